using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// A task queue exists on the broker with another type than this service declares (the broker answered
/// PRECONDITION_FAILED on <c>x-queue-type</c>): never used as it is, since a classic queue on a cluster is not
/// replicated and a quorum queue on a single broker refuses the tutorial's plain declare.
/// </summary>
public sealed class TaskQueueTypeMismatchException(string queue, TaskQueueType expected, OperationInterruptedException inner)
    : InvalidOperationException(
        $"Queue '{queue}' exists on the broker with another type than the {expected.ToString().ToLowerInvariant()} queue this service declares " +
        $"(Tasks:QueueType={expected}); the broker said: {inner.ShutdownReason?.ReplyText}. A queue's type cannot change. Fix: set Tasks:QueueType " +
        $"to the broker's type (Classic for a single broker, Quorum for a cluster), or move its messages elsewhere, delete it " +
        $"(./rabbitmqctl delete_queue {queue}) and start again so it is declared anew.",
        inner)
{
    public string Queue { get; } = queue;

    public TaskQueueType Expected { get; } = expected;

    /// <summary>Whether <paramref name="exception"/> is the broker refusing a declare over the queue's type.</summary>
    public static bool IsTypeMismatch(OperationInterruptedException exception) =>
        exception.ShutdownReason is { ReplyCode: 406 } reason && reason.ReplyText.Contains("x-queue-type", StringComparison.Ordinal);
}
