using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>
/// Sends a task whose attempt failed on to its next attempt, through a delay queue, or after the last one to
/// <c>task_queue.dead</c>. Each copy is confirmed by the broker before the caller acks the original, so a crash in
/// between can duplicate a task but never lose it.
/// </summary>
public sealed class FailedTaskRouter(IConnection connection, IOptions<WorkerOptions> options, TimeProvider time) : IAsyncDisposable
{
    private readonly ConfirmedChannel _channel = new(connection);

    /// <summary>Declares the delay queues and the dead-letter queue.</summary>
    public async Task DeclareTopologyAsync(CancellationToken cancellationToken)
    {
        var channel = await _channel.GetAsync(cancellationToken);
        for (var attempt = 2; attempt <= options.Value.MaxAttempts; attempt++)
        {
            await channel.DeclareRetryQueueAsync(attempt, options.Value.RetryDelay, cancellationToken);
        }

        await channel.DeclareDeadLetterQueueAsync(cancellationToken);
    }

    /// <returns><c>retried</c> or <c>dead_lettered</c>.</returns>
    public async Task<string> RetryOrDeadLetterAsync(BasicDeliverEventArgs delivery, int attempt, Exception error, CancellationToken cancellationToken)
    {
        if (attempt >= options.Value.MaxAttempts)
        {
            await DeadLetterAsync(delivery, $"Failed {attempt} attempts; the last with: {error.Message}", attempt, cancellationToken);
            return "dead_lettered";
        }

        var headers = CopyHeaders(delivery);
        headers[TaskQueueTopology.AttemptHeader] = attempt + 1;
        headers[TaskQueueTopology.LastErrorHeader] = Truncate(error.Message);
        await PublishAsync(TaskQueueTopology.RetryQueueName(attempt + 1, options.Value.RetryDelay), delivery, headers, cancellationToken);
        return "retried";
    }

    public async Task DeadLetterAsync(BasicDeliverEventArgs delivery, string reason, int attempts, CancellationToken cancellationToken)
    {
        var headers = CopyHeaders(delivery);
        headers[TaskQueueTopology.AttemptHeader] = attempts;
        headers[TaskQueueTopology.DeadReasonHeader] = Truncate(reason);
        headers[TaskQueueTopology.DeadAtHeader] = time.GetUtcNow().ToString("O");
        await PublishAsync(TaskQueueTopology.DeadLetterQueueName, delivery, headers, cancellationToken);
    }

    /// <summary>The attempt a delivery is: from our header, else the first.</summary>
    public static int AttemptOf(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(TaskQueueTopology.AttemptHeader, out var value) == true
            ? value switch { int i => i, long l => (int)l, byte b => b, short s => s, _ => 1 }
            : 1;

    private async Task PublishAsync(string queue, BasicDeliverEventArgs delivery, Dictionary<string, object?> headers, CancellationToken cancellationToken)
    {
        var properties = TaskMessage.CopyProperties(delivery.BasicProperties, headers);
        var channel = await _channel.GetAsync(cancellationToken);
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, delivery.Body, cancellationToken);
    }

    private static Dictionary<string, object?> CopyHeaders(BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.Headers is { } headers ? new Dictionary<string, object?>(headers) : [];

    private static byte[] Truncate(string text) => Encoding.UTF8.GetBytes(text.Length > 500 ? text[..500] : text);

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
