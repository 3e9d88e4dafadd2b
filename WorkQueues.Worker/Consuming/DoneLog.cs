namespace WorkQueues.Worker.Consuming;

/// <summary>How a Worker logs the tutorial's <c> [x] Done</c> line (<c>Worker:DoneLog</c>).</summary>
public enum DoneLog
{
    /// <summary>
    /// The default: one line per task, as the tutorial's <c>worker.py</c> prints it, up to
    /// <see cref="WorkerOptions.DoneLinesPerSecond"/> a second; past that, the rest of that second's tasks are counted
    /// into one summary line. A Worker doing tutorial tasks logs every task; a busy one stops paying a line (exported
    /// over OTLP) per task, which costs more than a task without dots does.
    /// </summary>
    Adaptive,

    /// <summary>One line per task, however many a second.</summary>
    EveryTask,

    /// <summary>One line a second while tasks complete, with how many did, and no line per task.</summary>
    Summary,
}
