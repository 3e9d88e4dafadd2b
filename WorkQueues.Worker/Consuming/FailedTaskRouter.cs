using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Sends a task whose attempt failed on to its next attempt, through a delay queue, or after the last one to
/// <c>task_queue.dead</c>. Each copy is confirmed by the broker before the caller acks the original, so a crash in
/// between can duplicate a task but never lose it. A copy the broker returns (its queue was deleted) is sent again once
/// after declaring the queues anew; every forward has <see cref="ForwardTimeout"/>, and a failed one pauses
/// <see cref="FailurePause"/> before the caller requeues the original, so a broken forward never spins in a hot loop.
/// </summary>
public sealed class FailedTaskRouter(IConnection connection, IOptions<WorkerOptions> options, IOptions<TaskOptions> tasks, TimeProvider time) : IFailedTaskRouter, IAsyncDisposable
{
    public static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan FailurePause = TimeSpan.FromSeconds(1);

    private readonly ConfirmedChannel _channel = new(connection);

    /// <summary>Declares the delay queues and the dead-letter queue.</summary>
    public async Task DeclareTopologyAsync(CancellationToken cancellationToken)
    {
        var channel = await _channel.GetAsync(cancellationToken);
        for (var attempt = 2; attempt <= options.Value.MaxAttempts; attempt++)
        {
            await channel.DeclareRetryQueueAsync(attempt, options.Value.RetryDelay, tasks.Value.QueueType, cancellationToken);
        }

        await channel.DeclareDeadLetterQueueAsync(tasks.Value.QueueType, cancellationToken);
    }

    public async Task RetryAsync(TaskDelivery delivery, string error, CancellationToken cancellationToken)
    {
        var next = delivery.Attempt + 1;
        var headers = CopyHeaders(delivery);
        headers[TaskQueueTopology.AttemptHeader] = next;
        headers[TaskQueueTopology.LastErrorHeader] = Truncate(error);
        await PublishAsync(TaskQueueTopology.RetryQueueName(next, options.Value.RetryDelay), delivery, headers, cancellationToken);
    }

    public async Task DeadLetterAsync(TaskDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        var headers = CopyHeaders(delivery);
        headers[TaskQueueTopology.AttemptHeader] = delivery.Attempt;
        headers[TaskQueueTopology.DeadReasonHeader] = Truncate(reason);
        headers[TaskQueueTopology.DeadAtHeader] = time.GetUtcNow().ToString("O");
        await PublishAsync(TaskQueueTopology.DeadLetterQueueName, delivery, headers, cancellationToken);
    }

    private async Task PublishAsync(string queue, TaskDelivery delivery, Dictionary<string, object?> headers, CancellationToken cancellationToken)
    {
        // The copy's own send span, whose context it carries (the service records no RabbitMQ.Client publish spans), so
        // the next attempt's delivery continues this attempt's trace.
        using var activity = TaskTelemetry.StartTaskActivity("send " + queue, ActivityKind.Producer, "send", "send", delivery.Id, queue);
        var properties = TaskMessage.CopyProperties(delivery.Properties, headers);
        MessageTraceContext.Of(activity)?.WriteTo(properties);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ForwardTimeout);
        try
        {
            try
            {
                await _channel.PublishAsync(string.Empty, queue, properties, delivery.Body, timeout.Token);
            }
            catch (PublishException ex) when (ex.IsReturn)
            {
                // No queue took it: someone deleted it. Declare the queues again and send it once more.
                await DeclareTopologyAsync(timeout.Token);
                await _channel.PublishAsync(string.Empty, queue, properties, delivery.Body, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            var failure = new IOException(
                timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                    ? $"The broker did not confirm the copy in {queue} within {ForwardTimeout.TotalSeconds:0} s."
                    : $"The copy in {queue} was not confirmed: {ex.Message}",
                ex);
            // The span ends with the send; the pause is not part of it.
            activity.RecordFailure(failure);
            activity?.Stop();
            await Task.Delay(FailurePause, time, CancellationToken.None);
            throw failure;
        }
    }

    private static Dictionary<string, object?> CopyHeaders(TaskDelivery delivery) =>
        delivery.Properties.Headers is { } headers ? new Dictionary<string, object?>(headers) : [];

    private static byte[] Truncate(string text) => Encoding.UTF8.GetBytes(text.Length > 500 ? text[..500] : text);

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
