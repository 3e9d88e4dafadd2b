using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>The broker did not confirm a task: it is not accepted, and the caller may try again.</summary>
public sealed class TaskPublishException(string message, bool transient, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Whether trying again soon may succeed (the broker is unreachable or recovering).</summary>
    public bool IsTransient { get; } = transient;

    /// <summary>What a failed publish means for its task; null for an exception no publish should end with.</summary>
    public static TaskPublishException? NotConfirmedBecause(Exception ex) => ex switch
    {
        PublishException { IsReturn: true } => new("The broker returned the task: no queue took it.", transient: false, ex),
        PublishException => new("The broker refused the task (negative confirm).", transient: true, ex),
        // Not transient: the broker's task_queue is of the other type; the message says how to fix it.
        TaskQueueTypeMismatchException => new(ex.Message, transient: false, ex),
        AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException or IOException =>
            new("The broker cannot be reached.", transient: true, ex),
        _ => null,
    };
}
