using System.Diagnostics;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
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
    // The Producer declares task_queue as new_task.py does, and the delay levels, so publishing works before any worker ran.
    private readonly ConfirmedChannel _channel = new(connection, (channel, token) => channel.DeclareDelayTopologyAsync(tasks.Value.QueueType, token));
    private readonly ITaskPublishObserver[] _observers = observers.ToArray();
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxPublishesInFlight, options.Value.MaxPublishesInFlight);

    private readonly ResiliencePipeline _requestTimeout = PublishPipelines.RequestTimeout(options.Value.PublishTimeout);
    private readonly ResiliencePipeline _retry = PublishPipelines.RetryWhileUnreachable();

    /// <summary>
    /// Publishes one task and waits for its confirm, within <see cref="ProducerOptions.PublishTimeout"/>: to
    /// <c>task_queue</c>, or when <paramref name="controls"/> schedule it, into the delay levels.
    /// </summary>
    public async Task<PublishedTask> PublishAsync(TaskText task, TaskControls controls, CancellationToken cancellationToken)
    {
        var id = TaskMessage.NewId();
        // Covers the publish *and* the wait for the confirm. The message carries this span's context: the Producer
        // does not listen to RabbitMQ.Client's own publish spans (TaskPublishingExtensions).
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.SendSpanName, ActivityKind.Producer, "send", "send", id);
        activity?.SetTag("workqueues.task.dots", task.Dots).SetTag("workqueues.task.due_at", controls.DueAt?.ToString("O"));
        var traceId = activity?.TraceId.ToHexString();
        var trace = MessageTraceContext.Of(activity);
        try
        {
            var published = await WithinTimeoutAsync(token => PublishConfirmedAsync(id, task, controls, traceId, trace, token), cancellationToken);
            announcer.Announce([published], traceId);
            return published;
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
        // One send span for the batch, as OpenTelemetry's messaging conventions have it: a span per task would double
        // the cost of tracing a batch. Every message carries its context, so each task's deliver and process spans
        // (which carry the task's id) follow from it.
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.SendSpanName, ActivityKind.Producer, "send", "send", messageId: null);
        activity?.SetTag("messaging.batch.message_count", tasks.Count).SetTag("workqueues.task.due_at", controls.DueAt?.ToString("O"));
        var traceId = activity?.TraceId.ToHexString();
        var trace = MessageTraceContext.Of(activity);
        Task<PublishedTask>[] publishes = [];
        try
        {
            var published = await WithinTimeoutAsync(
                token => Task.WhenAll(publishes = tasks.Select(task => PublishConfirmedAsync(TaskMessage.NewId(), task, controls, traceId, trace, token)).ToArray()),
                cancellationToken);
            announcer.Announce(published, traceId);
            return published;
        }
        catch (TaskPublishException ex)
        {
            var failed = publishes.Count(p => !p.IsCompletedSuccessfully);
            var failure = new TaskPublishException(
                $"{failed} of {tasks.Count} tasks were not confirmed by the broker ({ex.Message}); " +
                "the batch may be sent again (tasks already confirmed would then be queued twice).",
                ex.IsTransient,
                ex);
            activity.RecordFailure(failure);
            throw failure;
        }
    }

    /// <summary>Runs one request's publishes within <see cref="ProducerOptions.PublishTimeout"/>, retries included.</summary>
    private async Task<T> WithinTimeoutAsync<T>(Func<CancellationToken, Task<T>> publish, CancellationToken cancellationToken)
    {
        try
        {
            return await _requestTimeout.ExecuteAsync(static async (publish, token) => await publish(token), publish, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TaskPublishException($"The broker did not confirm the task within {options.Value.PublishTimeout.TotalSeconds:0.#} s.", transient: true, ex);
        }
    }

    /// <summary>Tells the observers, then publishes the task until confirmed, retrying until the request's time is up.</summary>
    private async Task<PublishedTask> PublishConfirmedAsync(
        string id, TaskText task, TaskControls controls, string? traceId, MessageTraceContext? trace, CancellationToken cancellationToken)
    {
        var properties = TaskMessage.CreateProperties(id, time.GetUtcNow(), controls);
        trace?.WriteTo(properties);
        var (exchange, routingKey) = TaskMessage.DestinationOf(controls);
        var body = TaskText.Encode(task.Text);

        // Observed before the publish: a worker can take the task, and report it running, before the confirm is here.
        var queued = new PublishedTask(id, task.Dots, controls.DueAt);
        foreach (var observer in _observers)
        {
            observer.Publishing(queued, task.Text, traceId);
        }

        try
        {
            // Every attempt sends the same message id, so a duplicate left by a lost confirm can be recognised.
            try
            {
                await PublishOnceAsync(exchange, routingKey, properties, body, cancellationToken);
            }
            catch (TaskPublishException ex) when (ex.IsTransient)
            {
                await _retry.ExecuteAsync(
                    static async (state, token) => await state.Publisher.PublishOnceAsync(state.Exchange, state.RoutingKey, state.Properties, state.Body, token),
                    (Publisher: this, Exchange: exchange, RoutingKey: routingKey, Properties: properties, Body: body),
                    cancellationToken);
            }

            metrics.TaskPublished();
            return queued;
        }
        catch
        {
            // Refused, returned, out of time or abandoned by its request: not accepted, whatever the broker does later.
            NotConfirmed(id);
            throw;
        }
    }

    private void NotConfirmed(string id)
    {
        foreach (var observer in _observers)
        {
            observer.NotConfirmed(id);
        }
    }

    private async ValueTask PublishOnceAsync(string exchange, string routingKey, BasicProperties properties, byte[] body, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        try
        {
            // Mandatory: if task_queue (or a delay level) is missing the broker returns the message, which surfaces as an error here.
            await _channel.PublishAsync(exchange, routingKey, properties, body, cancellationToken);
        }
        catch (PublishException ex)
        {
            throw ex.IsReturn
                ? new TaskPublishException("The broker returned the task: no queue took it.", transient: false, ex)
                : new TaskPublishException("The broker refused the task (negative confirm).", transient: true, ex);
        }
        catch (TaskQueueTypeMismatchException ex)
        {
            // Not transient: the broker's task_queue is of the other type; the message says how to fix it.
            logger.LogError("{Mismatch}", ex.Message);
            throw new TaskPublishException(ex.Message, transient: false, ex);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException or IOException)
        {
            logger.LogWarning("Publishing failed: {Reason}", ex.Message);
            throw new TaskPublishException("The broker cannot be reached.", transient: true, ex);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        _inFlight.Dispose();
    }
}
