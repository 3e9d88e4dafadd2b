using System.ComponentModel.DataAnnotations;

namespace WorkQueues.Tasks;

/// <summary>The limits every task must meet, bound from the <c>Tasks</c> configuration section.</summary>
public sealed class TaskOptions
{
    public const string SectionName = "Tasks";

    /// <summary>
    /// The most seconds of work (dots) one task may ask for. Must stay below the broker's consumer
    /// timeout (30 minutes by default), or the broker closes the channel of a worker still working.
    /// </summary>
    [Range(1, 1_500)]
    public int MaxSeconds { get; set; } = 600;

    /// <summary>The largest task body, in bytes of UTF-8.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The type of the task queues this service declares: Classic on a single broker, Quorum on a cluster (the
    /// AppHost sets it when <c>Messaging:Nodes</c> is more than 1). Must match the queues on the broker.
    /// </summary>
    [EnumDataType(typeof(TaskQueueType))]
    public TaskQueueType QueueType { get; set; } = TaskQueueType.Classic;
}
