namespace WorkQueues.Worker.Consuming;

/// <summary>What <see cref="TaskProcessor"/> logs: the tutorial's <c> [x] Received</c> and <c> [x] Done</c>, and why a task went elsewhere.</summary>
internal static partial class TaskProcessorLog
{
    // Debug: one line per task is what a busy worker can afford (the trace shows when each was received); the
    // tutorial's " [x] Received" line is back with Logging:LogLevel:WorkQueues.Worker=Debug.
    [LoggerMessage(Level = LogLevel.Debug, Message = " [x] Received {Task}")]
    public static partial void LogReceived(this ILogger logger, string task);

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Done {Task}")]
    public static partial void LogDone(this ILogger logger, string task);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task failed on attempt {Attempt} and is {Next}: {Task}")]
    public static partial void LogFailed(this ILogger logger, Exception exception, string task, int attempt, string next);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward the task; it goes back to task_queue: {Reason}")]
    public static partial void LogForwardFailed(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle the delivery; the broker will redeliver it: {Reason}")]
    public static partial void LogSettleFailed(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown time ran out; the unfinished task goes back to the queue: {Task}")]
    public static partial void LogAbandoned(this ILogger logger, string task);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task cancelled {When}: {Task}")]
    public static partial void LogCancelled(this ILogger logger, string task, string when);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable message sent to task_queue.dead: {Reason}")]
    public static partial void LogUnreadable(this ILogger logger, string reason);
}
