using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>A task given up on, as <c>task_queue.dead</c> holds it.</summary>
public sealed record DeadLetter(string? Id, string Task, string? Reason, string? DeadAt, int Attempts);

/// <summary>How many tasks <c>task_queue.dead</c> holds, and the oldest of them.</summary>
public sealed record DeadLetterPage(uint Count, IReadOnlyList<DeadLetter> Oldest);

/// <summary>Looks into <c>task_queue.dead</c> and moves its tasks back to <c>task_queue</c> for a fresh start.</summary>
public static class DeadLetters
{
    private const int MaxTraceLinks = 128;

    /// <summary>
    /// The oldest dead letters, left where they are, and how many there are. The count is taken while this holds the
    /// letters it lists (ready ones plus its own), so it is never below the list, even when a letter arrived meanwhile.
    /// </summary>
    public static async Task<DeadLetterPage> PeekAsync(IConnection connection, int limit, CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        // Taken unacked and given back when the channel closes, so peeking changes nothing.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.DeclareDeadLetterQueueAsync(cancellationToken: cancellationToken);
        while (letters.Count < limit && await channel.BasicGetAsync(TaskQueueTopology.DeadLetterQueueName, autoAck: false, cancellationToken) is { } message)
        {
            var headers = message.BasicProperties.Headers;
            letters.Add(new DeadLetter(
                message.BasicProperties.MessageId,
                TaskText.TryDecode(message.Body.Span, out var text) ? text : $"(not UTF-8) base64:{Convert.ToBase64String(message.Body.Span)}",
                HeaderText(headers, TaskQueueTopology.DeadReasonHeader),
                HeaderText(headers, TaskQueueTopology.DeadAtHeader),
                (int)Math.Clamp(MessageHeaders.IntegerOf(message.BasicProperties, TaskQueueTopology.AttemptHeader) ?? 0, 0, int.MaxValue)));
        }

        var ready = (await channel.DeclareDeadLetterQueueAsync(cancellationToken: cancellationToken)).MessageCount;
        await channel.CloseAsync(cancellationToken);
        return new DeadLetterPage(ready + (uint)letters.Count, letters);
    }

    /// <summary>
    /// Moves up to <paramref name="limit"/> dead letters back into <c>task_queue</c> with their attempts reset, and never
    /// more than were waiting when it started: a task that fails again while this runs is dead-lettered anew and left
    /// for the next requeue, so a poison task is not moved round and round. Each is removed from the dead-letter queue
    /// only after the broker confirmed its copy.
    /// </summary>
    public static async Task<int> RequeueAsync(IConnection connection, int limit, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false),
            cancellationToken);
        var confirms = new PublisherConfirms(channel);
        var waiting = (await channel.DeclareDeadLetterQueueAsync(cancellationToken: cancellationToken)).MessageCount;
        var cap = (int)Math.Min(limit, waiting);
        var moved = 0;
        while (moved < cap && await channel.BasicGetAsync(TaskQueueTopology.DeadLetterQueueName, autoAck: false, cancellationToken) is { } message)
        {
            var original = message.BasicProperties;
            var headers = original.Headers?
                .Where(h => h.Key is not (TaskQueueTopology.AttemptHeader or TaskQueueTopology.LastErrorHeader
                    or TaskQueueTopology.DeadReasonHeader or TaskQueueTopology.DeadAtHeader))
                .ToDictionary(h => h.Key, h => h.Value);
            var properties = TaskMessage.CopyProperties(original, headers is { Count: > 0 } ? headers : null);
            await confirms.PublishAsync(string.Empty, TaskQueueTopology.QueueName, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
            // The task goes on in its own trace (it keeps its traceparent); the request that moved it links to it, to the
            // first of them only past what a span's links usually hold (OpenTelemetry's default limit).
            if (moved <= MaxTraceLinks && MessageTraceContext.ContextOf(original) is { } task)
            {
                Activity.Current?.AddLink(new ActivityLink(task));
            }
        }

        return moved;
    }

    private static string? HeaderText(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => value.ToString() }
            : null;
}
