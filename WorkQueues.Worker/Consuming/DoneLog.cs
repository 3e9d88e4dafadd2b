namespace WorkQueues.Worker.Consuming;

/// <summary>How a Worker logs the tutorial's <c> [x] Done</c> line (<c>Worker:DoneLog</c>).</summary>
public enum DoneLog
{
    /// <summary>One line per task, as the tutorial's <c>worker.py</c> prints it.</summary>
    EveryTask,

    /// <summary>
    /// One line a second while tasks complete, with how many did: for busy Workers, where a line per task (each
    /// exported over OTLP) costs more than the task itself.
    /// </summary>
    Summary,
}
