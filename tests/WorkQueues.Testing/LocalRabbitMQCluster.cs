using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.Testing;

/// <summary>
/// A local RabbitMQ cluster outside any AppHost, as the AppHost's local path forms one: nodes on consecutive free
/// ports sharing a cookie and an epmd, joined by classic config peer discovery, the default vhost made one whose queues
/// are quorum queues (<see cref="ClusterVirtualHost"/>) unless <c>quorum</c> is false. Node 1 starts first and the
/// others join it. Disposing it stops every node and deletes their folders.
/// </summary>
public sealed class LocalRabbitMQCluster : IAsyncDisposable
{
    private readonly List<LocalRabbitMQProcess> _nodes = [];

    private LocalRabbitMQCluster()
    {
    }

    public IReadOnlyList<LocalRabbitMQProcess> Nodes => _nodes;

    /// <summary>Node 1's AMQP URI, password included: hand it to clients, never print it.</summary>
    public Uri Uri => _nodes[0].Uri;

    /// <summary>Every node's <c>host:port</c>, as the AppHost gives it to services (<c>Messaging:Endpoints</c>).</summary>
    public string Endpoints => string.Join(",", _nodes.Select(node => $"localhost:{node.AmqpPort}"));

    public static async Task<LocalRabbitMQCluster> StartAsync(string userName, int nodes, TimeSpan timeout, bool quorum = true)
    {
        var basePort = FreePorts.Next();
        var epmdPort = FreePorts.Next();
        var password = Guid.NewGuid().ToString("N");
        var cookie = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        var roots = Enumerable.Range(1, nodes).Select(_ => Directory.CreateTempSubdirectory("workqueues-cluster-node-").FullName).ToList();
        var folders = roots.Select((root, i) => LocalRabbitMQDataFolder.OpenClusterNode(root, basePort, i + 1)).ToList();
        // As LocalRabbitMQClusterBuilderExtensions configures the AppHost's nodes.
        string[] discovery =
        [
            "cluster_formation.peer_discovery_backend = classic_config",
            .. folders.Select((folder, i) => $"cluster_formation.classic_config.nodes.{i + 1} = {folder.NodeName}"),
            "cluster_partition_handling = pause_minority",
        ];

        var cluster = new LocalRabbitMQCluster();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                var port = i == 0 ? basePort : FreePorts.Next();
                cluster._nodes.Add(await LocalRabbitMQProcess.StartClusterNodeAsync(
                    folders[i], roots[i], userName, password, port, epmdPort, discovery, cookie, timeout));
            }

            var management = new Uri($"http://127.0.0.1:{cluster._nodes[0].ManagementPort}");
            await ClusterMembership.WaitForAllNodesAsync(management, userName, password, folders.Select(f => f.NodeName).ToList(), timeout, CancellationToken.None);
            if (quorum)
            {
                await ClusterVirtualHost.EnsureQuorumDefaultAsync(management, userName, password, NullLogger.Instance, CancellationToken.None);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // All at once: a node stopped after the others is a minority, which pause_minority pauses, and its clean
        // shutdown would wait out ProcessStopper's grace period.
        await Task.WhenAll(_nodes.Select(node => node.DisposeAsync().AsTask()));
    }
}
