using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Consumes <c>task_queue</c> with manual acks and a prefetch of <see cref="WorkerOptions.Concurrency"/>, and hands
/// each delivery to the <see cref="TaskProcessor"/>. On shutdown it stops taking deliveries and lets the tasks in hand
/// finish while the host's shutdown timeout allows; then it fires their tokens, and the processor nacks whatever
/// stops back to the queue, never acks it. It heals itself: a connection lost (a node gone) is recovered by the client,
/// on whichever node answers; a consumer the server cancels (queue deleted or moved) or a channel the server closes
/// (consumer timeout) is declared and consumed again with backoff, on a new channel (<see cref="IsConsuming"/> says so meanwhile).
/// </summary>
public sealed partial class TaskConsumer(
    IConnection connection,
    TaskProcessor processor,
    FailedTaskRouter router,
    TaskCancellationListener cancellations,
    QueueDepthSampler queueSampler,
    IOptions<WorkerOptions> options,
    IOptions<TaskOptions> tasks,
    ILogger<TaskConsumer> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _abandonWork = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _deliveries;
    // Tasks taken and not yet settled, and whether the dispatcher is inside a handler now (a handler that never awaits
    // holds it): while either leaves no room, the Worker is busy, not starved.
    private int _inHand;
    private volatile bool _dispatching;
    private IChannel? _channel;
    private AsyncEventingBasicConsumer? _consumer;
    private string? _consumerTag;

    /// <summary>A consumer is registered on an open channel, and the broker has not been seen to lose it: this Worker takes tasks.</summary>
    public bool IsConsuming => connection.IsOpen && _channel is { IsOpen: true } && _consumer is { IsRunning: true } && !_consumerMissing;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        FollowConnectionRecovery();
        FollowQueueReadings();
        await SubscribeAsync(cancellationToken);
        _healing = HealAsync(_stopping.Token);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        if (_channel is null)
        {
            var opened = await connection.CreateChannelAsync(
                // One dispatcher: concurrency comes from not awaiting the work in the handler (see OnReceivedAsync).
                new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: 1),
                cancellationToken);
            // A retired channel's close is not a loss: the Worker consumes on another by then.
            opened.ChannelShutdownAsync += (_, _) => ReferenceEquals(opened, _channel) ? LostAsync() : Task.CompletedTask;
            _channel = opened;
        }

        var channel = _channel;
        // task_queue as the tutorial declares it, and the delay levels that deliver scheduled tasks into it.
        await channel.DeclareDelayTopologyAsync(tasks.Value.QueueType, cancellationToken);
        await router.DeclareTopologyAsync(cancellationToken);
        // No task is taken before every cancel made so far is known, those made while no Worker ran included.
        await cancellations.CaughtUp.WaitAsync(cancellationToken);
        var concurrency = (ushort)options.Value.Concurrency;
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: concurrency, global: false, cancellationToken);

        var settler = new ChannelSettler(channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(delivery, settler);
        var unregistered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.UnregisteredAsync += (_, _) =>
        {
            unregistered.TrySetResult();
            // The server's basic.cancel (task_queue deleted, or moved off a node); the heal's own cancel is no loss.
            return ReferenceEquals(consumer, _consumer) ? LostAsync() : Task.CompletedTask;
        };
        (_consumer, _consumerUnregistered) = (consumer, unregistered);
        _consumerTag = await channel.BasicConsumeAsync(TaskQueueTopology.QueueName, autoAck: false, consumer, cancellationToken);
        Volatile.Write(ref _consumingSince, System.Diagnostics.Stopwatch.GetTimestamp());
        LogWaiting(TaskQueueTopology.QueueName, concurrency);
    }

    /// <param name="cancellationToken">Fires when the host's shutdown timeout runs out.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _healing;
        if (_channel is { IsOpen: true } && _consumerTag is not null)
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

        if (_channel is { IsOpen: true })
        {
            await _channel.CloseAsync(CancellationToken.None);
        }

        // A heal's retired channel closes once its tasks have ended, as they just did.
        await _retiredChannels.Closed;
    }

    /// <summary>
    /// Starts the task and returns without waiting for its work: the dispatcher goes on to the next delivery at once,
    /// and the prefetch (<see cref="WorkerOptions.Concurrency"/>) alone bounds the tasks in hand. A task with nothing
    /// to wait for runs to its ack right here on the dispatcher's thread, with no hand-off to another (measured: the
    /// client's own dispatch concurrency spent a third of a busy worker's CPU switching threads).
    /// </summary>
    private Task OnReceivedAsync(BasicDeliverEventArgs delivery, ChannelSettler settler)
    {
        // Counted first: the starved-consumer watch reads them as "given a task since" and "has room".
        var key = Interlocked.Increment(ref _deliveries);
        Interlocked.Increment(ref _inHand);
        Task work;
        _dispatching = true;
        try
        {
            work = processor.ProcessAsync(TaskDelivery.CopyOf(delivery, options.Value.MaxAttempts), settler, _abandonWork.Token);
        }
        catch
        {
            Interlocked.Decrement(ref _inHand); // Never started, so not in hand; the client reports the throw.
            throw;
        }
        finally
        {
            _dispatching = false;
        }

        if (work.IsCompleted)
        {
            Interlocked.Decrement(ref _inHand);
            return work;
        }

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
            // The processor settles every outcome itself; whatever still escapes it leaves the delivery to the broker.
            LogEscaped(ex);
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
            Interlocked.Decrement(ref _inHand);
        }
    }

    public ValueTask DisposeAsync()
    {
        _abandonWork.Dispose();
        _stopping.Dispose();
        return _channel?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [*] Waiting for tasks on {Queue} (prefetch {Prefetch})")]
    private partial void LogWaiting(string queue, int prefetch);

    [LoggerMessage(Level = LogLevel.Error, Message = "A task ended with an unexpected error; its delivery is left to the broker")]
    private partial void LogEscaped(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped taking tasks; finishing {Count} in hand")]
    private partial void LogDraining(int count);
}
