using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// What the dashboard's commands ask of the broker: queue figures from the management API (the only place that
/// knows unacknowledged counts) and purges over AMQP (which says how many messages went). On a cluster every node
/// answers for the whole cluster, so each request goes to the first node that answers: the commands keep working
/// while any node is up.
/// </summary>
/// <param name="managementUrls">Every node's management API, in the order to try them.</param>
/// <param name="amqpUri">The broker's connection string: credentials, and the node to use when <paramref name="amqpNodes"/> is empty.</param>
/// <param name="amqpNodes">Every node's AMQP endpoint on a cluster; empty for a single broker.</param>
public sealed class BrokerQueueClient(
    IReadOnlyList<Uri> managementUrls, Uri amqpUri, IReadOnlyList<AmqpTcpEndpoint> amqpNodes, string userName, string password)
{
    /// <summary>The name its connections show in the management UI: one per command, closed when it ends.</summary>
    public const string ClientName = "aspire-dashboard-command";

    /// <summary>How long one node may take to answer before the next is asked.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A queue's figures, and where it lives: its type, and for a quorum queue its leader and members.</summary>
    public sealed record QueueFigures(string Name, long Ready, long Unacknowledged, long Consumers, string Type = "classic", string? Leader = null, IReadOnlyList<string>? Members = null);

    public async Task<IReadOnlyList<QueueFigures>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(
            await GetFromAnyNodeAsync("/api/queues/%2F?columns=name,messages_ready,messages_unacknowledged,consumers,type,node,leader,members", cancellationToken));

        return document.RootElement.EnumerateArray()
            .Select(queue => new QueueFigures(
                queue.GetProperty("name").GetString()!,
                Number(queue, "messages_ready"),
                Number(queue, "messages_unacknowledged"),
                Number(queue, "consumers"),
                queue.TryGetProperty("type", out var type) ? type.GetString() ?? "classic" : "classic",
                // A classic queue lives on one node; a quorum queue has a leader and members on several.
                queue.TryGetProperty("leader", out var leader) ? leader.GetString() : queue.TryGetProperty("node", out var node) ? node.GetString() : null,
                queue.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
                    ? members.EnumerateArray().Select(m => m.GetString()!).ToList()
                    : null))
            .OrderBy(queue => queue.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Removes the ready messages of <c>task_queue</c>; deliveries a worker holds stay with it.</summary>
    public async Task<uint> PurgeTaskQueueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await channel.QueuePurgeAsync(TaskQueueTopology.QueueName, cancellationToken);
    }

    /// <summary>Moves every dead letter back into <c>task_queue</c>, attempts reset.</summary>
    public async Task<int> RequeueDeadLettersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        return await DeadLetters.RequeueAsync(connection, int.MaxValue, cancellationToken);
    }

    /// <summary>The answer of the first node whose management API answers <paramref name="path"/>.</summary>
    private async Task<string> GetFromAnyNodeAsync(string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = NodeTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));
        var failures = new List<string>();
        foreach (var node in managementUrls)
        {
            try
            {
                return await http.GetStringAsync(new Uri(node, path), cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // That node is down, paused or slow: ask the next.
                failures.Add($"{node.Authority}: {ex.Message}");
            }
        }

        throw new HttpRequestException($"No node's management API answered: {string.Join("; ", failures)}");
    }

    /// <summary>A connection to the broker; on a cluster, to any node that takes it.</summary>
    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = amqpUri,
            ClientProvidedName = ClientName,
            RequestedConnectionTimeout = NodeTimeout,
        };
        return amqpNodes.Count > 0 ? factory.CreateConnectionAsync(amqpNodes, cancellationToken) : factory.CreateConnectionAsync(cancellationToken);
    }

    /// <summary>
    /// The figures as the tutorial's <c>rabbitmqctl list_queues</c> prints them, one queue a line, then where each lives
    /// (<c>list_queues name type leader members</c>).
    /// </summary>
    public static string Format(IReadOnlyList<QueueFigures> queues) =>
        new StringBuilder()
            .AppendLine("name\tmessages_ready\tmessages_unacknowledged\tconsumers\ttype\tleader\tmembers")
            .AppendJoin(Environment.NewLine, queues.Select(q =>
                $"{q.Name}\t{q.Ready}\t{q.Unacknowledged}\t{q.Consumers}\t{q.Type}\t{q.Leader}\t{string.Join(",", q.Members ?? [])}"))
            .ToString();

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
}
