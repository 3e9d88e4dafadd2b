using System.Diagnostics;
using Microsoft.Extensions.Options;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;
using WorkQueues.Worker.Events;
using WorkQueues.Worker.Handlers;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Processes one delivery: decodes and checks it, runs the <see cref="ITaskHandler"/> within its <c>process task</c>
/// span, then settles it. Done: acked. Failed: a copy goes on to the next attempt or the dead letters, then the
/// original is acked; an attempt past its time limit fails as <c>timed out</c>. Cancelled (<see cref="CancelledTasks"/>)
/// before or while it ran: acked, never retried. Stopped by the shutdown: nacked back to the queue, never acked. Knows no broker: it settles
/// through <see cref="IDeliverySettler"/> and forwards through <see cref="IFailedTaskRouter"/>.
/// </summary>
public sealed class TaskProcessor(
    IServiceScopeFactory scopes,
    IFailedTaskRouter router,
    CancelledTasks cancellations,
    ITaskEventSink events,
    WorkerMetrics metrics,
    DoneSummary doneSummary,
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
        var (outcome, errorType) = await ProcessWithinSpanAsync(delivery, settler, activity, shutdown);
        metrics.Settled(outcome, Stopwatch.GetElapsedTime(started), errorType);
        return outcome;
    }

    private async Task<Settled> ProcessWithinSpanAsync(TaskDelivery delivery, IDeliverySettler settler, Activity? activity, CancellationToken shutdown)
    {
        // A message no worker can read is dead-lettered at once with the reason: retrying cannot help it.
        var validation = TaskText.TryDecode(delivery.Body.Span, out var text)
            ? TaskText.Validate(text, limits.Value)
            : TaskValidation.Invalid("The message body is not valid UTF-8.");
        if (!validation.IsValid)
        {
            logger.LogUnreadable(validation.Error);
            activity?.SetStatus(ActivityStatusCode.Error, validation.Error);
            return new(await SettleAsync(settler, delivery, TaskOutcome.DeadLettered, () => router.DeadLetterAsync(delivery, validation.Error, CancellationToken.None)), null);
        }

        var task = validation.Task.Value;
        activity?.SetTag("workqueues.task.dots", task.Dots);
        var shown = TaskText.Shorten(text);
        logger.LogReceived(shown);
        var lifecycle = new TaskLifecycle(events, delivery.Id, WorkerInstance.Name, delivery.Attempt, task.Dots, time);

        // A task cancelled while it waited (scheduled, queued or between attempts) is acked unrun.
        if (delivery.Id is { } id && cancellations.IsCancelled(id))
        {
            return await CancelledAsync(settler, delivery, lifecycle, shown, "before it ran");
        }

        // The attempt's own token fires on the shutdown, on a cancel of this task, and when its time limit passes.
        var limit = TaskMessage.TimeoutOf(delivery.Properties) ?? options.Value.TaskTimeout;
        activity?.SetTag("workqueues.task.timeout_ms", limit?.TotalMilliseconds);
        using var timer = limit is { } l ? new CancellationTokenSource(l, time) : null;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(shutdown, timer?.Token ?? CancellationToken.None);
        using var tracked = delivery.Id is null ? null : cancellations.Track(delivery.Id, attempt);
        try
        {
            lifecycle.Started();
            await using var services = scopes.CreateAsyncScope();
            var handler = services.ServiceProvider.GetRequiredService<ITaskHandler>();
            await handler.HandleAsync(new TaskContext(delivery.Id, text, delivery.Attempt, lifecycle), attempt.Token);
        }
        catch (Exception ex) when (attempt.IsCancellationRequested)
        {
            // Which fired decides: a cancel wins (the task must not run again), then the shutdown (back to the queue
            // untouched), then the time limit (a failure like any other).
            if (delivery.Id is { } cancelledId && cancellations.IsCancelled(cancelledId))
            {
                return await CancelledAsync(settler, delivery, lifecycle, shown, "while it ran");
            }

            if (shutdown.IsCancellationRequested)
            {
                logger.LogAbandoned(shown);
                lifecycle.Ended(TaskOutcome.Requeued);
                return new(await SettleAsync(settler, delivery, TaskOutcome.Requeued), null);
            }

            activity?.SetTag("error.type", TaskFailures.TimedOutErrorType);
            activity?.SetStatus(ActivityStatusCode.Error, TaskFailures.TimedOut);
            activity?.AddException(ex);
            return new(await FailAsync(settler, delivery, lifecycle, shown, TaskFailures.TimedOut, ex), TaskFailures.TimedOutErrorType);
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            return new(await FailAsync(settler, delivery, lifecycle, shown, ex.Message, ex), null);
        }

        var completed = await SettleAsync(settler, delivery, TaskOutcome.Completed);
        lifecycle.Ended(completed);
        if (!doneSummary.TryCount())
        {
            logger.LogDone(shown);
        }

        return new(completed, null);
    }

    /// <summary>A failed attempt: retried while attempts are left, else dead-lettered; either once the copy is confirmed.</summary>
    private async Task<TaskOutcome> FailAsync(IDeliverySettler settler, TaskDelivery delivery, TaskLifecycle lifecycle, string shown, string error, Exception exception)
    {
        var next = delivery.Attempt >= options.Value.MaxAttempts ? TaskOutcome.DeadLettered : TaskOutcome.Retried;
        logger.LogFailed(exception, shown, delivery.Attempt, next == TaskOutcome.Retried ? $"retried as attempt {delivery.Attempt + 1}" : "dead-lettered");
        var outcome = await SettleAsync(settler, delivery, next, next == TaskOutcome.Retried
            ? () => router.RetryAsync(delivery, error, CancellationToken.None)
            : () => router.DeadLetterAsync(delivery, $"Failed {delivery.Attempt} attempts; the last with: {error}", CancellationToken.None));
        lifecycle.Ended(outcome, error);
        return outcome;
    }

    private async Task<Settled> CancelledAsync(IDeliverySettler settler, TaskDelivery delivery, TaskLifecycle lifecycle, string shown, string when)
    {
        logger.LogCancelled(shown, when);
        var outcome = await SettleAsync(settler, delivery, TaskOutcome.Cancelled);
        lifecycle.Ended(outcome);
        return new(outcome, null);
    }

    /// <summary>How a delivery was settled, and the <c>error.type</c> of a failure the Worker itself decided.</summary>
    private readonly record struct Settled(TaskOutcome Outcome, string? ErrorType);

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
