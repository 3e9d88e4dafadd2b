using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace WorkQueues.Producer;

/// <summary>The Producer's settings, bound from the <c>Producer</c> configuration section.</summary>
public sealed class ProducerOptions
{
    // ProducerOptionsValidator checks the TimeSpan ranges with its own generated copy of RangeAttribute, which needs no
    // reflection; nothing reads these attributes by reflection, so their trimming warning does not apply.
    private const string TimeSpanRange = "Validated by the generated ProducerOptionsValidator, not by reflection.";

    public const string SectionName = "Producer";

    /// <summary>How long a request may wait for the broker's confirm before it is answered 503.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most tasks one <c>POST /tasks/batch</c> may carry; the batch is refused as soon as it has one more.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 10_000;

    /// <summary>The largest body one <c>POST /tasks/batch</c> may have, in bytes (Kestrel's own default is 30 MB).</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxBatchBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most publishes awaiting their confirm at once. Capped here rather than with the client's rate limiter,
    /// whose throughput collapses once more publishes than its limit are waiting.
    /// </summary>
    [Range(1, 65_535)]
    public int MaxPublishesInFlight { get; set; } = 4_096;

    /// <summary>How many recent tasks the status view keeps; past it the oldest are forgotten.</summary>
    [Range(1, 1_000_000)]
    public int TrackedTasks { get; set; } = 10_000;

    /// <summary>The most <c>/tasks/events</c> streams open at once; past it a new one is answered 503.</summary>
    [Range(1, 100_000)]
    public int MaxEventSubscribers { get; set; } = 100;

    /// <summary>How often an idle event stream gets a comment, so proxies and browsers keep it open.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EventKeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
