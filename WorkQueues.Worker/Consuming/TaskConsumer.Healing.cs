using System.Threading.Channels;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// How the consumer comes back. A lost connection is the client's to recover, with its channel and consumer; the heal
/// acts only on what the client does not recover (a server's basic.cancel, a channel the server closed, a recovery
/// that left no consumer, a consumer the broker lost without a basic.cancel), and always ends with exactly one
/// consumer on this Worker.
/// </summary>
public sealed partial class TaskConsumer
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan UnregisterPatience = TimeSpan.FromSeconds(5);

    private readonly RetiredChannels _retiredChannels = new(logger);
    private TaskCompletionSource _consumerUnregistered = new();
    private readonly Channel<bool> _lost = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task _healing = Task.CompletedTask;
    private volatile bool _clientRecovering;
    // Set when the broker counts none of this Worker's consumer: IsConsuming is false (and /health Unhealthy) until it consumes again.
    private volatile bool _consumerMissing;
    private long _consumingSince = long.MaxValue;

    /// <summary>
    /// Follows the client's recovery. Consuming again while it re-registers the recorded consumer would leave two
    /// consumers on one Worker, and both would come back after every later recovery.
    /// </summary>
    private void FollowConnectionRecovery()
    {
        connection.ConnectionShutdownAsync += (_, _) =>
        {
            _clientRecovering = true;
            // No consumer until the recovery registers it again: no count taken meanwhile says one is lost.
            Volatile.Write(ref _consumingSince, long.MaxValue);
            return LostAsync();
        };
        connection.RecoverySucceededAsync += (_, _) =>
        {
            _clientRecovering = false;
            Volatile.Write(ref _consumingSince, System.Diagnostics.Stopwatch.GetTimestamp());
            // The client reports success even when it skipped a consumer it could not recover: check.
            return LostAsync();
        };
    }

    /// <summary>
    /// Follows the queue sampler's readings, for a consumer the broker lost without a basic.cancel. Two signs of it:
    /// the queue counts no consumer at all (seen once in a test run, where a quorum task_queue was deleted and declared
    /// again within seconds, and both Workers went on consuming a queue that counted none), or tasks wait while this
    /// Worker has room and is given none (<see cref="StarvedConsumerWatch"/>). Either way the heal consumes again.
    /// </summary>
    private void FollowQueueReadings()
    {
        var starvedWatch = new StarvedConsumerWatch();
        queueSampler.QueueRead += reading =>
        {
            var consumingSince = Volatile.Read(ref _consumingSince);
            var hasRoom = !_dispatching && Volatile.Read(ref _inHand) < options.Value.Concurrency;
            var starved = starvedWatch.Observe(reading, consumingSince, Interlocked.Read(ref _deliveries), hasRoom);
            // A heal that registered a new consumer meanwhile makes this reading about the old one.
            if (!IsConsuming || Volatile.Read(ref _consumingSince) != consumingSince)
            {
                return;
            }

            if (reading.MissesConsumerRegisteredAt(consumingSince))
            {
                LogConsumerMissing(TaskQueueTopology.QueueName);
            }
            else if (starved)
            {
                LogConsumerStarved(TaskQueueTopology.QueueName, reading.Ready);
            }
            else
            {
                return;
            }

            _consumerMissing = true;
            _ = LostAsync();
        };
    }

    private Task LostAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _lost.Writer.TryWrite(true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Consumes again after a loss, pausing first (1 s, doubling to 15 s) so nothing retries in a hot loop.</summary>
    private async Task HealAsync(CancellationToken stopping)
    {
        try
        {
            while (await _lost.Reader.WaitToReadAsync(stopping))
            {
                _lost.Reader.TryRead(out _);
                for (var pause = FirstPause; ; pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks)))
                {
                    await Task.Delay(pause, stopping);
                    if (IsConsuming || _clientRecovering)
                    {
                        // Consuming, or the client is recovering the connection: its RecoverySucceeded signals again.
                        break;
                    }

                    try
                    {
                        await ConsumeAgainAsync(stopping);
                        LogResumed(TaskQueueTopology.QueueName);
                        break;
                    }
                    catch (Exception ex) when (!stopping.IsCancellationRequested)
                    {
                        // A client call that timed out is an OperationCanceledException too: it must not end the heal.
                        LogNotConsuming(ex.Message, pause * 2 < LongestPause ? pause * 2 : LongestPause);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: nothing more to heal.
        }
    }

    /// <summary>
    /// Drops the lost consumer from the client's recovery records, then consumes again on a new channel. A channel still
    /// open (the server cancelled the consumer, or lost it) is sent a basic.cancel and retired: its tasks in hand still
    /// ack on it, and it is closed once they have (<see cref="RetiredChannels"/>). A channel the server closed is closed
    /// here too, which forgets its consumer.
    /// </summary>
    private async Task ConsumeAgainAsync(CancellationToken cancellationToken)
    {
        if (!connection.IsOpen)
        {
            throw new InvalidOperationException("The connection is down; the client is recovering it.");
        }

        if (_channel is { IsOpen: true } && _consumerTag is not null)
        {
            var unregistered = _consumerUnregistered;
            _consumer = null; // So the unregistering that this cancel causes is not taken for another loss.
            // RabbitMQ answers cancel-ok for a tag it no longer knows.
            await _channel.BasicCancelAsync(_consumerTag, noWait: false, cancellationToken);
            // The client unregisters the consumer after dispatching every delivery sent before the cancel-ok: only then
            // is each task taken on this channel in hand. (Past the wait, one still being dispatched is left out: its ack
            // fails when the channel closes, and the broker redelivers it.)
            try
            {
                await unregistered.Task.WaitAsync(UnregisterPatience, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Retired as it is: past the wait, what is still being dispatched is redelivered (above).
            }
            _retiredChannels.Retire(_channel, _inFlight.Values.ToArray());
        }
        else if (_channel is not null)
        {
            await ChannelCleanup.AbortAndDisposeAsync(_channel, cancellationToken);
        }

        _channel = null;
        _consumerTag = null;
        await SubscribeAsync(cancellationToken);
        _consumerMissing = false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not consuming task_queue ({Reason}); trying again in {Pause}")]
    private partial void LogNotConsuming(string reason, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Queue} counts no consumer although this Worker consumes it: the broker lost the consumer; consuming again")]
    private partial void LogConsumerMissing(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Queue} has had {Ready} tasks waiting across two readings while this Worker had room and was given none: the broker lost its consumer; consuming again")]
    private partial void LogConsumerStarved(string queue, uint ready);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} again")]
    private partial void LogResumed(string queue);
}
