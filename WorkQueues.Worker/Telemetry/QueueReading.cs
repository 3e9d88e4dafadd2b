namespace WorkQueues.Worker.Telemetry;

/// <summary>
/// task_queue's ready tasks and consumers as the broker counted them, and when it was asked (a
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp).
/// </summary>
public readonly record struct QueueReading(uint Ready, uint Consumers, long AskedAt)
{
    /// <summary>
    /// The broker counted no consumer although it was asked after <paramref name="consumingSince"/>, when a consumer
    /// of this Worker's was registered: that consumer is lost on the broker's side.
    /// </summary>
    public bool MissesConsumerRegisteredAt(long consumingSince) => Consumers == 0 && AskedAt > consumingSince;
}
