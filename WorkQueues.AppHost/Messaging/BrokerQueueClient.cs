using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// What the dashboard's commands ask of the broker: queue figures from the management API (the only place that
/// knows unacknowledged counts) and purges over AMQP (which says how many messages went).
/// </summary>
public sealed class BrokerQueueClient(Uri managementUrl, Uri amqpUri, string userName, string password)
{
    /// <summary>A queue's figures, and where it lives: its type, and for a quorum queue its leader and members.</summary>
    public sealed record QueueFigures(string Name, long Ready, long Unacknowledged, long Consumers, string Type = "classic", string? Leader = null, IReadOnlyList<string>? Members = null);

    public async Task<IReadOnlyList<QueueFigures>> ListQueuesAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = managementUrl, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));
        using var document = JsonDocument.Parse(
            await http.GetStringAsync("/api/queues/%2F?columns=name,messages_ready,messages_unacknowledged,consumers,type,node,leader,members", cancellationToken));

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

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken) =>
        new ConnectionFactory { Uri = amqpUri, ClientProvidedName = "aspire-dashboard-command" }.CreateConnectionAsync(cancellationToken);

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
