using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>
/// Consumes <c>task_queue</c> with manual acks and a prefetch of <see cref="WorkerOptions.Concurrency"/>, does each
/// task's work and acks only after it. A failed attempt is sent on to a later attempt or to the dead-letter queue
/// (<see cref="FailedTaskRouter"/>), then acked. On shutdown it stops taking deliveries and lets the tasks in hand finish
/// while the host's shutdown timeout allows; whatever is still running then is nacked back to the queue, never acked.
/// </summary>
public sealed partial class TaskConsumer(
    IConnection connection,
    DotsWorkload workload,
    FailedTaskRouter router,
    TaskEventPublisher events,
    WorkerMetrics metrics,
    TimeProvider time,
    IOptions<WorkerOptions> options,
    IOptions<TaskOptions> limits,
    ILogger<TaskConsumer> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>This replica's name as the dashboard shows it (Aspire sets service.instance.id), else host/pid.</summary>
    private static readonly string WorkerInstance =
        (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty).Split(',')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair is ["service.instance.id", _])
            .Select(pair => pair[1])
            .FirstOrDefault() ?? $"{Environment.MachineName}/{Environment.ProcessId}";

    private readonly CancellationTokenSource _abandonWork = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _deliveries;
    private IChannel? _channel;
    private string? _consumerTag;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var concurrency = (ushort)options.Value.Concurrency;
        _channel = await connection.CreateChannelAsync(
            // One dispatcher: concurrency comes from not awaiting the work in the handler (see OnReceivedAsync).
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
            cancellationToken);
        await _channel.DeclareTaskQueueAsync(cancellationToken);
        await router.DeclareTopologyAsync(cancellationToken);
        await _channel.BasicQosAsync(prefetchSize: 0, prefetchCount: concurrency, global: false, cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await _channel.BasicConsumeAsync(TaskQueueTopology.QueueName, autoAck: false, consumer, cancellationToken);
        LogWaiting(TaskQueueTopology.QueueName, concurrency);
    }

    /// <param name="cancellationToken">Fires when the host's shutdown timeout runs out.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_channel is null)
        {
            return;
        }

        if (_consumerTag is not null && _channel.IsOpen)
        {
            await _channel.BasicCancelAsync(_consumerTag, noWait: false, CancellationToken.None);
        }

        var running = _inFlight.Values.ToArray();
        LogDraining(running.Length);
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abandonWork.CancelAsync();
            await Task.WhenAll(running);
        }

        if (_channel.IsOpen)
        {
            await _channel.CloseAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Starts the task and returns without waiting for its work: the dispatcher goes on to the next delivery at once,
    /// and the prefetch (<see cref="WorkerOptions.Concurrency"/>) alone bounds the tasks in hand. A task with nothing
    /// to wait for runs to its ack right here on the dispatcher's thread, with no hand-off to another (measured: the
    /// client's own dispatch concurrency spent a third of a busy worker's CPU switching threads).
    /// </summary>
    private Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        // The client reuses a delivery's body once the handler returns: the task keeps a copy of its own.
        var own = new BasicDeliverEventArgs(
            delivery.ConsumerTag, delivery.DeliveryTag, delivery.Redelivered, delivery.Exchange, delivery.RoutingKey,
            delivery.BasicProperties, delivery.Body.ToArray(), CancellationToken.None);
        var work = ProcessAsync(((AsyncEventingBasicConsumer)sender).Channel, own);
        if (work.IsCompleted)
        {
            return work;
        }

        var key = Interlocked.Increment(ref _deliveries);
        _inFlight[key] = work;
        _ = ForgetWhenDoneAsync(key, work);
        return Task.CompletedTask;
    }

    private async Task ForgetWhenDoneAsync(long key, Task work)
    {
        try
        {
            await work;
        }
        catch (Exception ex)
        {
            // ProcessAsync settles every outcome itself; whatever still escapes it leaves the delivery to the broker.
            LogEscaped(ex);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task ProcessAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        var id = delivery.BasicProperties.MessageId;
        var attempt = FailedTaskRouter.AttemptOf(delivery.BasicProperties);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["TaskId"] = id, ["Attempt"] = attempt });

        // A child of RabbitMQ.Client's "deliver" span, which the publisher's traceparent header parents.
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.ProcessSpanName, ActivityKind.Internal, "process", "process", id);
        activity?
            .SetTag("messaging.rabbitmq.message.delivery_tag", (long)delivery.DeliveryTag)
            .SetTag("workqueues.task.redelivered", delivery.Redelivered)
            .SetTag("workqueues.task.attempt", attempt)
            .SetTag("workqueues.worker.instance", WorkerInstance);

        var started = Stopwatch.GetTimestamp();
        metrics.Started(delivery.Redelivered);
        var outcome = await ProcessWithinSpanAsync(channel, delivery, attempt, activity);
        metrics.Settled(outcome, Stopwatch.GetElapsedTime(started));
    }

    private async Task<string> ProcessWithinSpanAsync(IChannel channel, BasicDeliverEventArgs delivery, int attempt, Activity? activity)
    {
        var tag = delivery.DeliveryTag;

        // A message no worker can read is dead-lettered at once with the reason: retrying cannot help it.
        var validation = TaskText.TryDecode(delivery.Body.Span, out var text)
            ? TaskText.Validate(text, limits.Value)
            : TaskValidation.Invalid("The message body is not valid UTF-8.");
        if (!validation.IsValid)
        {
            LogUnreadable(validation.Error);
            activity?.SetStatus(ActivityStatusCode.Error, validation.Error);
            return await SettleAsync(channel, tag, "dead_lettered", () => router.DeadLetterAsync(delivery, validation.Error, attempt, CancellationToken.None));
        }

        var task = validation.Task.Value;
        activity?.SetTag("workqueues.task.dots", task.Dots);
        var shown = TaskText.Shorten(text);
        LogReceived(shown);
        var lifecycle = new TaskLifecycle(events, delivery.BasicProperties.MessageId, WorkerInstance, attempt, time);
        try
        {
            await lifecycle.FollowAsync(task.Dots, workload.DurationOf(task), workload.RunAsync(task, attempt, _abandonWork.Token));
        }
        catch (OperationCanceledException) when (_abandonWork.IsCancellationRequested)
        {
            LogAbandoned(shown);
            lifecycle.Report(TaskEvent.States.Queued);
            return await SettleAsync(channel, tag, "requeued");
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            var next = attempt >= options.Value.MaxAttempts ? "dead-lettered" : $"retried as attempt {attempt + 1}";
            LogFailed(ex, shown, attempt, next);
            var routed = "requeued";
            var settled = await SettleAsync(channel, tag, "forwarded", async () =>
                routed = await router.RetryOrDeadLetterAsync(delivery, attempt, ex, CancellationToken.None));
            var outcome = settled == "requeued" ? settled : routed;
            lifecycle.Report(
                outcome switch { "retried" => TaskEvent.States.Retrying, "dead_lettered" => TaskEvent.States.DeadLettered, _ => TaskEvent.States.Queued },
                error: ex.Message);
            return outcome;
        }

        await SettleAsync(channel, tag, "completed");
        lifecycle.Report(TaskEvent.States.Completed, workload.DurationOf(task).TotalSeconds);
        LogDone(shown);
        return "completed";
    }

    /// <summary>
    /// Acks the delivery (after <paramref name="forward"/>, if given, has put its copy somewhere safe), or nacks it
    /// back to the queue when the outcome is a requeue or the copy could not be made; in an <c>ack</c>/<c>nack</c> span.
    /// </summary>
    private async Task<string> SettleAsync(IChannel channel, ulong tag, string outcome, Func<Task>? forward = null)
    {
        var requeue = outcome == "requeued";
        if (forward is not null)
        {
            try
            {
                await forward();
            }
            catch (Exception ex)
            {
                // The copy was not confirmed: keep the original on the broker instead.
                LogForwardFailed(ex.Message);
                requeue = true;
                outcome = "requeued";
            }
        }

        using var settle = TaskTelemetry.StartTaskActivity(requeue ? "nack" : "ack", ActivityKind.Client, "settle", requeue ? "nack" : "ack", null);
        settle?.SetTag("workqueues.task.outcome", outcome);
        try
        {
            if (requeue)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            }
            else
            {
                await channel.BasicAckAsync(tag, multiple: false);
            }
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException)
        {
            // The channel closed under us; the broker redelivers the task, which is the safe side.
            settle.RecordFailure(ex);
            LogSettleFailed(ex.Message);
        }

        return outcome;
    }

    public ValueTask DisposeAsync()
    {
        _abandonWork.Dispose();
        return _channel?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [*] Waiting for tasks on {Queue} (prefetch {Prefetch})")]
    private partial void LogWaiting(string queue, int prefetch);

    // Debug: one line per task is what a busy worker can afford (the trace shows when each was received); the
    // tutorial's " [x] Received" line is back with Logging:LogLevel:WorkQueues.Worker=Debug.
    [LoggerMessage(Level = LogLevel.Debug, Message = " [x] Received {Task}")]
    private partial void LogReceived(string task);

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Done {Task}")]
    private partial void LogDone(string task);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task failed on attempt {Attempt} and is {Next}: {Task}")]
    private partial void LogFailed(Exception exception, string task, int attempt, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward the task; it goes back to task_queue: {Reason}")]
    private partial void LogForwardFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle the delivery; the broker will redeliver it: {Reason}")]
    private partial void LogSettleFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown time ran out; the unfinished task goes back to the queue: {Task}")]
    private partial void LogAbandoned(string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message sent to task_queue.dead: {Reason}")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A task ended with an unexpected error; its delivery is left to the broker")]
    private partial void LogEscaped(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped taking tasks; finishing {Count} in hand")]
    private partial void LogDraining(int count);
}
