using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker;

/// <summary>The Worker's settings, bound from the <c>Worker</c> configuration section.</summary>
public sealed class WorkerOptions
{
    // WorkerOptionsValidator checks the TimeSpan ranges with its own generated copy of RangeAttribute, which needs no
    // reflection; nothing reads these attributes by reflection, so their trimming warning does not apply.
    private const string TimeSpanRange = "Validated by the generated WorkerOptionsValidator, not by reflection.";

    public const string SectionName = "Worker";

    /// <summary>
    /// Tasks one worker processes at once, and its prefetch. 1 is the tutorial's fair dispatch: a busy worker is
    /// given nothing new until it acks.
    /// </summary>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 1;

    /// <summary>The work one dot stands for; one second in the tutorial.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DotDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The tutorial's <c> [x] Done</c> line for each task up to <see cref="DoneLinesPerSecond"/> a second, then one
    /// summary line for the rest (the default); or a line for every task; or only the summary (docs/benchmarks.md
    /// measures what the line per task costs).
    /// </summary>
    public DoneLog DoneLog { get; set; } = DoneLog.Adaptive;

    /// <summary>With <see cref="DoneLog.Adaptive"/>, the most tasks a second that log their own <c> [x] Done</c> line.</summary>
    [Range(1, 1_000_000)]
    public int DoneLinesPerSecond { get; set; } = 100;

    /// <summary>Attempts a failing task gets before it goes to <c>task_queue.dead</c>.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt; each further attempt waits twice as long.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The time limit of one attempt of a task that asks for none (its <c>x-timeout-ms</c> header); none by default, as
    /// in the tutorial. Past it the handler's token fires and the attempt fails as <c>timed out</c>.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan? TaskTimeout { get; set; }

    /// <summary>The most cancels a Worker remembers at once; past it the oldest is forgotten before its 8 days are up.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxRememberedCancels { get; set; } = 1_000_000;
}
