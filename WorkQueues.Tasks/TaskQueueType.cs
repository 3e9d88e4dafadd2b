namespace WorkQueues.Tasks;

/// <summary>
/// The type of the task queues (<c>task_queue</c>, its retry queues, <c>task_queue.dead</c>, the delay levels).
/// Classic on a single broker, declared without arguments as the tutorial does; quorum on a cluster, replicated on
/// every node, on a vhost whose default queue type is quorum so the tutorial's plain declare is accepted there too.
/// </summary>
public enum TaskQueueType
{
    Classic,
    Quorum,
}
