using System.Diagnostics;
using Microsoft.Extensions.Options;
using WorkQueues.Tasks;
using WorkQueues.Worker.Events;
using WorkQueues.Worker.Handlers;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Processes one delivery: decodes and checks it, runs the <see cref="ITaskHandler"/> within its <c>process task</c>
/// span, then settles it. Done: acked. Failed: a copy goes on to the next attempt or the dead letters, then the
/// original is acked. Stopped by the shutdown: nacked back to the queue, never acked. Knows no broker: it settles
/// through <see cref="IDeliverySettler"/> and forwards through <see cref="IFailedTaskRouter"/>.
/// </summary>
public sealed class TaskProcessor(
    IServiceScopeFactory scopes,
    IFailedTaskRouter router,
    ITaskEventSink events,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    IOptions<TaskOptions> limits,
    ILogger<TaskProcessor> logger)
{
    /// <param name="shutdown">Fires when the Worker's shutdown time ran out: the handler must stop.</param>
    public async Task<TaskOutcome> ProcessAsync(TaskDelivery delivery, IDeliverySettler settler, CancellationToken shutdown)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["TaskId"] = delivery.Id, ["Attempt"] = delivery.Attempt });

        // A child of RabbitMQ.Client's "deliver" span, which the publisher's traceparent header parents.
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.ProcessSpanName, ActivityKind.Internal, "process", "process", delivery.Id);
        activity?
            .SetTag("messaging.rabbitmq.message.delivery_tag", (long)delivery.DeliveryTag)
            .SetTag("workqueues.task.redelivered", delivery.Redelivered)
            .SetTag("workqueues.task.attempt", delivery.Attempt)
            .SetTag("workqueues.worker.instance", WorkerInstance.Name);

        var started = Stopwatch.GetTimestamp();
        metrics.Started(delivery.Redelivered);
        var outcome = await ProcessWithinSpanAsync(delivery, settler, activity, shutdown);
        metrics.Settled(outcome, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    private async Task<TaskOutcome> ProcessWithinSpanAsync(TaskDelivery delivery, IDeliverySettler settler, Activity? activity, CancellationToken shutdown)
    {
        // A message no worker can read is dead-lettered at once with the reason: retrying cannot help it.
        var validation = TaskText.TryDecode(delivery.Body.Span, out var text)
            ? TaskText.Validate(text, limits.Value)
            : TaskValidation.Invalid("The message body is not valid UTF-8.");
        if (!validation.IsValid)
        {
            logger.LogUnreadable(validation.Error);
            activity?.SetStatus(ActivityStatusCode.Error, validation.Error);
            return await SettleAsync(settler, delivery, TaskOutcome.DeadLettered, () => router.DeadLetterAsync(delivery, validation.Error, CancellationToken.None));
        }

        var task = validation.Task.Value;
        activity?.SetTag("workqueues.task.dots", task.Dots);
        var shown = TaskText.Shorten(text);
        logger.LogReceived(shown);
        var lifecycle = new TaskLifecycle(events, delivery.Id, WorkerInstance.Name, delivery.Attempt, task.Dots, time);

        // The attempt's own token, linked to the shutdown: the place for a per-task cancel or time limit to fire it.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        try
        {
            lifecycle.Started();
            await using var services = scopes.CreateAsyncScope();
            var handler = services.ServiceProvider.GetRequiredService<ITaskHandler>();
            await handler.HandleAsync(new TaskContext(delivery.Id, text, delivery.Attempt, lifecycle), attempt.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogAbandoned(shown);
            lifecycle.Ended(TaskOutcome.Requeued);
            return await SettleAsync(settler, delivery, TaskOutcome.Requeued);
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            var next = delivery.Attempt >= options.Value.MaxAttempts ? TaskOutcome.DeadLettered : TaskOutcome.Retried;
            logger.LogFailed(ex, shown, delivery.Attempt, next == TaskOutcome.Retried ? $"retried as attempt {delivery.Attempt + 1}" : "dead-lettered");
            var outcome = await SettleAsync(settler, delivery, next, next == TaskOutcome.Retried
                ? () => router.RetryAsync(delivery, ex.Message, CancellationToken.None)
                : () => router.DeadLetterAsync(delivery, $"Failed {delivery.Attempt} attempts; the last with: {ex.Message}", CancellationToken.None));
            lifecycle.Ended(outcome, ex.Message);
            return outcome;
        }

        var completed = await SettleAsync(settler, delivery, TaskOutcome.Completed);
        lifecycle.Ended(completed);
        logger.LogDone(shown);
        return completed;
    }

    /// <summary>
    /// Acks the delivery (after <paramref name="forward"/>, if given, has put its copy somewhere safe), or nacks it
    /// back to the queue when the outcome is a requeue or the copy could not be made; in an <c>ack</c>/<c>nack</c> span.
    /// </summary>
    private async Task<TaskOutcome> SettleAsync(IDeliverySettler settler, TaskDelivery delivery, TaskOutcome outcome, Func<Task>? forward = null)
    {
        if (forward is not null)
        {
            try
            {
                await forward();
            }
            catch (Exception ex)
            {
                // The copy was not confirmed: keep the original on the broker instead.
                logger.LogForwardFailed(ex.Message);
                outcome = TaskOutcome.Requeued;
            }
        }

        var requeue = outcome == TaskOutcome.Requeued;
        using var settle = TaskTelemetry.StartTaskActivity(requeue ? "nack" : "ack", ActivityKind.Client, "settle", requeue ? "nack" : "ack", null);
        settle?.SetTag("workqueues.task.outcome", outcome.ToTagValue());
        try
        {
            await (requeue ? settler.RequeueAsync(delivery.DeliveryTag) : settler.AckAsync(delivery.DeliveryTag));
        }
        catch (Exception ex)
        {
            // The channel closed under us; the broker redelivers the task, which is the safe side.
            settle.RecordFailure(ex);
            logger.LogSettleFailed(ex.Message);
        }

        return outcome;
    }
}
