namespace WorkQueues.Tasks;

/// <summary>How a Worker settled one delivery of a task: what its metrics, spans and events report.</summary>
public enum TaskOutcome
{
    /// <summary>The work is done and the delivery acked.</summary>
    Completed,

    /// <summary>The attempt failed; a copy waits for the next attempt in a delay queue, and the delivery is acked.</summary>
    Retried,

    /// <summary>The task was given up on (its last attempt failed, or no worker can read it); a copy waits in
    /// <c>task_queue.dead</c>, and the delivery is acked.</summary>
    DeadLettered,

    /// <summary>The delivery went back to <c>task_queue</c> unfinished (the worker stopped, or a copy could not be made).</summary>
    Requeued,

    /// <summary>The task was cancelled (<c>DELETE /tasks/{id}</c>): not run, or its handler stopped; acked, never retried.</summary>
    Cancelled,
}

/// <summary>The one place a <see cref="TaskOutcome"/> becomes the words on the wire.</summary>
public static class TaskOutcomes
{
    /// <summary>The value of the <c>workqueues.task.outcome</c> metric and span tag.</summary>
    public static string ToTagValue(this TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Completed => "completed",
        TaskOutcome.Retried => "retried",
        TaskOutcome.DeadLettered => "dead_lettered",
        TaskOutcome.Requeued => "requeued",
        TaskOutcome.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>The <see cref="TaskEvent.State"/> a task is in after this outcome.</summary>
    public static string ToEventState(this TaskOutcome outcome) => outcome switch
    {
        TaskOutcome.Completed => TaskEvent.States.Completed,
        TaskOutcome.Retried => TaskEvent.States.Retrying,
        TaskOutcome.DeadLettered => TaskEvent.States.DeadLettered,
        TaskOutcome.Requeued => TaskEvent.States.Queued,
        TaskOutcome.Cancelled => TaskEvent.States.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    /// <summary>Whether the attempt failed: what the <c>workqueues.tasks.failed</c> counter counts.</summary>
    public static bool IsFailure(this TaskOutcome outcome) => outcome is TaskOutcome.Retried or TaskOutcome.DeadLettered;
}

/// <summary>Why an attempt failed, where the Worker itself decided it: the error its events, spans and dead letters carry.</summary>
public static class TaskFailures
{
    /// <summary>The attempt ran past its time limit (<c>x-timeout-ms</c>, or <c>Worker:TaskTimeout</c>).</summary>
    public const string TimedOut = "timed out";

    /// <summary>The <c>error.type</c> tag of a timed-out attempt's metrics and span.</summary>
    public const string TimedOutErrorType = "timeout";
}
