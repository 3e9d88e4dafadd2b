using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace WorkQueues.AppHost.Messaging;

public static class LocalRabbitMQClusterBuilderExtensions
{
    /// <summary>
    /// Runs <see cref="MessagingSettings.Nodes"/> local RabbitMQ nodes (<c>{name}-1</c>…, each with its own name,
    /// ports and durable folder) that join one cluster by RabbitMQ's own peer discovery (<c>classic_config</c>) with one
    /// shared Erlang cookie. Once every node is up, the default vhost makes its queues quorum queues, replicated on
    /// every node (<see cref="ClusterVirtualHost"/>).
    /// </summary>
    public static IResourceBuilder<RabbitMQClusterResource> AddLocalRabbitMQCluster(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        LocalRabbitMQBuilderExtensions.EnsureBindAddressIsValid(settings);
        var folders = Enumerable.Range(1, settings.Nodes)
            .Select(index => LocalRabbitMQDataFolder.OpenClusterNode(settings.DataRoot, settings.AmqpPort, index))
            .ToList();
        // Kept with the data: the cookie a node already has (the cluster was made with it), else a new one.
        var cookie = folders.Select(folder => folder.ReadCookie()).FirstOrDefault(c => !string.IsNullOrEmpty(c))
            ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        IReadOnlyList<string> discovery =
        [
            "cluster_formation.peer_discovery_backend = classic_config",
            .. folders.Select((folder, i) => $"cluster_formation.classic_config.nodes.{i + 1} = {folder.NodeName}"),
            // A node that lost its peers pauses rather than taking writes a majority never saw.
            "cluster_partition_handling = pause_minority",
        ];

        var cluster = new RabbitMQClusterResource(name, userName.Resource, password.Resource);
        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RabbitMQ cluster",
                State = KnownResourceStates.NotStarted,
                Properties = [new("nodes", settings.Nodes)],
            });

        // On the first start the other nodes wait for the first: nodes booting side by side on a busy machine can each
        // miss the others and form clusters of their own. Once they have data they start together, since a restarted
        // node waits for the peers it last saw.
        var firstFormation = !folders.Any(folder => folder.HasDatabase);
        IResourceBuilder<LocalRabbitMQResource>? seed = null;
        for (var index = 1; index <= settings.Nodes; index++)
        {
            var folder = folders[index - 1];
            var node = builder.AddLocalRabbitMQNode($"{name}-{index}", userName, password, settings, new LocalRabbitMQNode(
                    folder, settings.AmqpPort + index - 1, settings.ManagementPort + index - 1, discovery, cookie, index))
                .WithParentRelationship(cluster);
            if (firstFormation && seed is not null)
            {
                node.WaitFor(seed);
            }

            seed ??= node;
            cluster.Nodes.Add(node.Resource);
            clusterBuilder.WaitFor(node);
        }

        clusterBuilder.OnInitializeResource(async (resource, initialize, cancellationToken) =>
        {
            await initialize.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting });
            await initialize.Notifications.WaitForDependenciesAsync(resource, cancellationToken);
            var management = new Uri(resource.Nodes[0].ManagementEndpoint.Url);
            var user = (await userName.Resource.GetValueAsync(cancellationToken))!;
            var secret = (await password.Resource.GetValueAsync(cancellationToken))!;
            try
            {
                await ClusterMembership.WaitForAllNodesAsync(
                    management, user, secret, folders.Select(f => f.NodeName).ToList(), TimeSpan.FromSeconds(60), cancellationToken);
            }
            catch (BrokerUnavailableException ex)
            {
                initialize.Logger.LogError("{Problem}", ex.Message);
                await initialize.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart });
                return;
            }

            await ClusterVirtualHost.EnsureQuorumDefaultAsync(management, user, secret, initialize.Logger, cancellationToken);
            await initialize.Notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
            initialize.Logger.LogInformation(
                "Cluster of {Count} nodes: {Nodes}. ./rabbitmqctl list_queues name type leader members (from the repository) shows where each queue lives.",
                resource.Nodes.Count, string.Join(", ", folders.Select(f => f.NodeName)));
        });

        var healthCheckKey = $"{name}_cluster";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new ClusterHealthCheck(cluster));
        return clusterBuilder.WithHealthCheck(healthCheckKey);
    }
}
