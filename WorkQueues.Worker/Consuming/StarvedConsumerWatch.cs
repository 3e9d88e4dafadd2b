using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Tells when the broker has lost this Worker's consumer while other consumers are still counted: tasks waited in
/// task_queue at two readings in a row, this Worker had room for more at both, and it was given none in between. A
/// consumer with room is sent a waiting task within milliseconds, so that only happens when the broker no longer
/// delivers to it. Seen in a cluster test run: task_queue deleted and declared again at once, and the Worker on
/// another node never told of the cancel, so it went on, healthy, with a consumer the new queue did not have.
/// </summary>
public sealed class StarvedConsumerWatch
{
    private (long AskedAt, long Deliveries)? _waitingWithRoom;

    /// <param name="reading">The queue's latest counts.</param>
    /// <param name="consumingSince">When this Worker's consumer was registered; readings asked before it say nothing.</param>
    /// <param name="deliveries">How many deliveries this Worker has been given so far.</param>
    /// <param name="hasRoom">Whether this Worker has room for another task now.</param>
    public bool IsStarved(QueueReading reading, long consumingSince, long deliveries, bool hasRoom)
    {
        if (reading.Ready == 0 || !hasRoom || reading.AskedAt <= consumingSince)
        {
            _waitingWithRoom = null;
            return false;
        }

        var starved = _waitingWithRoom is { } previous && previous.AskedAt > consumingSince && previous.Deliveries == deliveries;
        _waitingWithRoom = starved ? null : (reading.AskedAt, deliveries);
        return starved;
    }
}
