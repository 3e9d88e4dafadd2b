namespace WorkQueues.Producer.Publishing;

/// <summary>The broker did not confirm a task: it is not accepted, and the caller may try again.</summary>
public sealed class TaskPublishException(string message, bool transient, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Whether trying again soon may succeed (the broker is unreachable or recovering).</summary>
    public bool IsTransient { get; } = transient;
}
