namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Puts a copy of a task whose attempt failed where it goes next (<see cref="FailedTaskRouter"/>). A returned task
/// means the broker confirmed the copy, so the original may be acked.
/// </summary>
public interface IFailedTaskRouter
{
    /// <summary>Sends the task on to its next attempt, after the retry delay.</summary>
    Task RetryAsync(TaskDelivery delivery, string error, CancellationToken cancellationToken);

    /// <summary>Gives the task up: it waits in <c>task_queue.dead</c> with the reason.</summary>
    Task DeadLetterAsync(TaskDelivery delivery, string reason, CancellationToken cancellationToken);
}
