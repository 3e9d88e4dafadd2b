using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// The broker topology of the work queue, declared in this one place and used by every service.
/// </summary>
public static class TaskQueueTopology
{
    /// <summary>The queue of the RabbitMQ "Work Queues" tutorial.</summary>
    public const string QueueName = "task_queue";

    /// <summary>The fanout exchange workers send task lifecycle events to; every Producer binds a queue of its own.</summary>
    public const string EventsExchangeName = "task_events";

    /// <summary>Where a task goes after its last attempt failed, or when no worker can read it.</summary>
    public const string DeadLetterQueueName = QueueName + ".dead";

    /// <summary>Header with the attempt a delivery is (1 for the first); absent on a task's first delivery.</summary>
    public const string AttemptHeader = "x-attempt";

    /// <summary>Header with the error of the attempt before.</summary>
    public const string LastErrorHeader = "x-last-error";

    /// <summary>Headers a dead letter carries: why and when it was given up.</summary>
    public const string DeadReasonHeader = "x-dead-reason";
    public const string DeadAtHeader = "x-dead-at";

    /// <summary>Header of a scheduled task: when it is due, RFC 3339 in UTC. Informative; the delay levels hold it.</summary>
    public const string DueAtHeader = "x-due-at";

    /// <summary>Header with a task's time limit per attempt, in whole milliseconds (a long).</summary>
    public const string TimeoutHeader = "x-timeout-ms";

    /// <summary>The wait before attempt <paramref name="nextAttempt"/>: doubling from <paramref name="firstDelay"/>.</summary>
    public static TimeSpan RetryDelay(int nextAttempt, TimeSpan firstDelay) =>
        firstDelay * Math.Pow(2, Math.Max(0, nextAttempt - 2));

    /// <summary>The queue a task waits in before attempt <paramref name="nextAttempt"/>.</summary>
    public static string RetryQueueName(int nextAttempt, TimeSpan firstDelay) =>
        $"{QueueName}.retry.{(long)RetryDelay(nextAttempt, firstDelay).TotalMilliseconds}ms";

    /// <summary>
    /// Declares <c>task_queue</c> durable: as a classic queue without arguments, exactly what the tutorial's
    /// <c>new_task.py</c> and <c>worker.py</c> declare, so a tutorial client in any language shares the same queue (any
    /// argument would make their plain declare fail with PRECONDITION_FAILED); as a quorum queue on a cluster, whose
    /// vhost makes the tutorial's plain declare a quorum one too.
    /// </summary>
    public static Task<QueueDeclareOk> DeclareTaskQueueAsync(
        this IChannel channel, TaskQueueType queueType = TaskQueueType.Classic, CancellationToken cancellationToken = default) =>
        channel.DeclareDurableQueueAsync(QueueName, queueType, arguments: null, cancellationToken);

    /// <summary>
    /// Declares the queue a retry waits in: no consumer, a message TTL of the delay, then dead-lettered back into
    /// <c>task_queue</c> through the default exchange. The wait costs no worker anything, and <c>task_queue</c>
    /// itself keeps no arguments. Quorum queues take a message TTL and dead-letter too (measured on 3.10.8).
    /// </summary>
    public static Task<QueueDeclareOk> DeclareRetryQueueAsync(
        this IChannel channel, int nextAttempt, TimeSpan firstDelay, TaskQueueType queueType = TaskQueueType.Classic, CancellationToken cancellationToken = default) =>
        channel.DeclareDurableQueueAsync(
            RetryQueueName(nextAttempt, firstDelay),
            queueType,
            new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (long)RetryDelay(nextAttempt, firstDelay).TotalMilliseconds,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = QueueName,
            },
            cancellationToken);

    /// <summary>
    /// Declares a durable task queue of <paramref name="queueType"/>: the one place its <c>x-queue-type</c> is decided.
    /// A queue of the other type on the broker is a <see cref="TaskQueueTypeMismatchException"/> that says how to fix it.
    /// </summary>
    public static async Task<QueueDeclareOk> DeclareDurableQueueAsync(
        this IChannel channel, string queue, TaskQueueType queueType, Dictionary<string, object?>? arguments, CancellationToken cancellationToken)
    {
        if (queueType == TaskQueueType.Quorum)
        {
            arguments = new Dictionary<string, object?>(arguments ?? []) { ["x-queue-type"] = "quorum" };
        }

        try
        {
            return await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (TaskQueueTypeMismatchException.IsTypeMismatch(ex))
        {
            throw new TaskQueueTypeMismatchException(queue, queueType, ex);
        }
    }

    /// <summary>Declares the events exchange; events carry no routing, every bound queue gets them all.</summary>
    public static Task DeclareEventsExchangeAsync(this IChannel channel, CancellationToken cancellationToken = default) =>
        channel.ExchangeDeclareAsync(EventsExchangeName, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    public static Task<QueueDeclareOk> DeclareDeadLetterQueueAsync(
        this IChannel channel, TaskQueueType queueType = TaskQueueType.Classic, CancellationToken cancellationToken = default) =>
        channel.DeclareDurableQueueAsync(DeadLetterQueueName, queueType, arguments: null, cancellationToken);
}
