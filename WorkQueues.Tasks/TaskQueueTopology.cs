using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// The broker topology of the work queue, declared in this one place and used by every service.
/// </summary>
public static class TaskQueueTopology
{
    /// <summary>The queue of the RabbitMQ "Work Queues" tutorial.</summary>
    public const string QueueName = "task_queue";

    /// <summary>
    /// Declares <c>task_queue</c> durable, classic and without arguments: exactly what the tutorial's
    /// <c>new_task.py</c> and <c>worker.py</c> declare, so a tutorial client in any language shares the same queue.
    /// Any argument here would make their plain declare fail with PRECONDITION_FAILED.
    /// </summary>
    public static Task<QueueDeclareOk> DeclareTaskQueueAsync(this IChannel channel, CancellationToken cancellationToken = default) =>
        channel.QueueDeclareAsync(
            queue: QueueName,
            durable: true,
            exclusive: false,
            autoDelete: false,
            arguments: null,
            cancellationToken: cancellationToken);
}
