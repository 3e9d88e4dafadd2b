using System.ComponentModel.DataAnnotations;

namespace WorkQueues.Worker;

/// <summary>The Worker's settings, bound from the <c>Worker</c> configuration section.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>
    /// Tasks one worker processes at once, and its prefetch. 1 is the tutorial's fair dispatch: a busy worker is
    /// given nothing new until it acks.
    /// </summary>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 1;

    /// <summary>The work one dot stands for; one second in the tutorial.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DotDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts a failing task gets before it goes to <c>task_queue.dead</c>.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt; each further attempt waits twice as long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
