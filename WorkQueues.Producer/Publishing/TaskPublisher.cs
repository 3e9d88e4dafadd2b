using System.Diagnostics;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Publishes tasks persistent to <c>task_queue</c> and returns only once the broker has confirmed them. Many publishes
/// share one channel with confirms outstanding at once, so a batch costs one round trip, not one per task.
/// </summary>
public sealed class TaskPublisher(
    IConnection connection,
    IOptions<ProducerOptions> options,
    IOptions<TaskOptions> tasks,
    ProducerMetrics metrics,
    TaskAnnouncer announcer,
    IEnumerable<ITaskPublishObserver> observers,
    TimeProvider time,
    ILogger<TaskPublisher> logger) : IAsyncDisposable
{
    private readonly ITaskPublishObserver[] _observers = observers.ToArray();
    // The Producer declares task_queue as new_task.py does, and the delay levels, so publishing works before any worker ran.
    private readonly TaskBatchSender _sender = new(
        new ConfirmedChannel(connection, (channel, token) => channel.DeclareDelayTopologyAsync(tasks.Value.QueueType, token)),
        options.Value.MaxPublishesInFlight,
        metrics,
        logger);
    private readonly ResiliencePipeline _requestTimeout = PublishPipelines.RequestTimeout(options.Value.PublishTimeout);

    /// <summary>
    /// Publishes one task and waits for its confirm, within <see cref="ProducerOptions.PublishTimeout"/>: to
    /// <c>task_queue</c>, or when <paramref name="controls"/> schedule it, into the delay levels.
    /// </summary>
    public async Task<PublishedTask> PublishAsync(TaskText task, TaskControls controls, CancellationToken cancellationToken)
    {
        var batch = new OutgoingTaskBatch([task], controls, time.GetUtcNow());
        // Covers the publish *and* the wait for the confirm. The message carries this span's context: the Producer
        // does not listen to RabbitMQ.Client's own publish spans (TaskPublishingExtensions).
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.SendSpanName, ActivityKind.Producer, "send", "send", batch.Published[0].Id);
        activity?.SetTag("workqueues.task.dots", task.Dots).SetTag("workqueues.task.due_at", controls.DueAt?.ToString("O"));
        try
        {
            return (await PublishConfirmedAsync(batch, activity, cancellationToken))[0];
        }
        catch (TaskPublishException ex)
        {
            activity.RecordFailure(ex);
            throw;
        }
    }

    /// <summary>Publishes every task with their confirms outstanding together; succeeds only if all were confirmed.</summary>
    public async Task<IReadOnlyList<PublishedTask>> PublishManyAsync(IReadOnlyList<TaskText> tasks, TaskControls controls, CancellationToken cancellationToken)
    {
        var batch = new OutgoingTaskBatch(tasks, controls, time.GetUtcNow());
        // One send span for the batch, as OpenTelemetry's messaging conventions have it: a span per task would double
        // the cost of tracing a batch. Every message carries its context, so each task's deliver and process spans
        // (which carry the task's id) follow from it.
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.SendSpanName, ActivityKind.Producer, "send", "send", messageId: null);
        activity?.SetTag("messaging.batch.message_count", tasks.Count).SetTag("workqueues.task.due_at", controls.DueAt?.ToString("O"));
        try
        {
            return await PublishConfirmedAsync(batch, activity, cancellationToken);
        }
        catch (TaskPublishException ex)
        {
            var failure = new TaskPublishException(
                $"{batch.UnconfirmedCount} of {tasks.Count} tasks were not confirmed by the broker ({ex.Message}); " +
                "the batch may be sent again (tasks already confirmed would then be queued twice).",
                ex.IsTransient,
                ex);
            activity.RecordFailure(failure);
            throw failure;
        }
    }

    /// <summary>
    /// Tells the observers, then publishes the tasks until each is confirmed, within
    /// <see cref="ProducerOptions.PublishTimeout"/> for the request, retries included; then announces them.
    /// </summary>
    private async Task<PublishedTask[]> PublishConfirmedAsync(OutgoingTaskBatch batch, Activity? activity, CancellationToken cancellationToken)
    {
        var traceId = activity?.TraceId.ToHexString();
        batch.CarryTrace(MessageTraceContext.Of(activity));
        // Observed before the publish: a worker can take a task, and report it running, before its confirm is here.
        foreach (var (task, text) in batch.Tasks)
        {
            foreach (var observer in _observers)
            {
                observer.Publishing(task, text, traceId);
            }
        }

        try
        {
            await _requestTimeout.ExecuteAsync(static async (state, token) => await state.Sender.SendUntilConfirmedAsync(state.Batch, token), (Sender: _sender, Batch: batch), cancellationToken);
            announcer.Announce(batch.Published, traceId);
            return batch.Published;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TaskPublishException($"The broker did not confirm the task within {options.Value.PublishTimeout.TotalSeconds:0.#} s.", transient: true, ex);
        }
        finally
        {
            // Refused, returned, out of time or abandoned by its request: not accepted, whatever the broker does later.
            foreach (var id in batch.Unconfirmed())
            {
                foreach (var observer in _observers)
                {
                    observer.NotConfirmed(id);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
    }
}
