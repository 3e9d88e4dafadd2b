using System.Diagnostics;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Tells when the broker has lost this Worker's consumer while other consumers are still counted: tasks waited in
/// task_queue at two readings at least <see cref="MinimumGap"/> apart, this Worker had room for more at both, and it
/// was given none in between. A consumer with room is sent a waiting task within milliseconds, so that only happens
/// when the broker no longer delivers to it. Seen in a cluster test run: task_queue deleted and declared again at once,
/// and the Worker on another node never told of the cancel, so it went on, healthy, with a consumer the new queue did
/// not have. It needs tasks waiting to see it: with an empty queue a lost consumer costs nothing yet, and shows nothing.
/// </summary>
public sealed class StarvedConsumerWatch
{
    /// <summary>Two readings closer than this say nothing (a sampler catching up on a missed tick, say).</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(4);

    private static readonly long MinimumGapTicks = (long)(MinimumGap.TotalSeconds * Stopwatch.Frequency);

    private (long AskedAt, long Deliveries)? _waitingWithRoom;

    /// <summary>Takes the queue's latest reading; true when this Worker's consumer is starved.</summary>
    /// <param name="reading">The queue's counts, and when they were asked (a <see cref="Stopwatch"/> timestamp).</param>
    /// <param name="consumingSince">When this Worker's consumer was registered; readings asked before it say nothing.</param>
    /// <param name="deliveries">How many deliveries this Worker has been given so far.</param>
    /// <param name="hasRoom">Whether this Worker could take another task now.</param>
    public bool Observe(QueueReading reading, long consumingSince, long deliveries, bool hasRoom)
    {
        if (reading.Ready == 0 || !hasRoom || reading.AskedAt <= consumingSince)
        {
            _waitingWithRoom = null;
            return false;
        }

        if (_waitingWithRoom is not { } previous || previous.AskedAt <= consumingSince || previous.Deliveries != deliveries)
        {
            _waitingWithRoom = (reading.AskedAt, deliveries);
            return false;
        }

        if (reading.AskedAt - previous.AskedAt < MinimumGapTicks)
        {
            return false; // Too soon to say: keep the earlier reading as the start.
        }

        _waitingWithRoom = null;
        return true;
    }
}
