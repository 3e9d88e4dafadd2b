using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace WorkQueues.Producer.Security;

/// <summary>
/// The rate limit on the routes that change state (every POST), per caller (its key or token, and its address), bound
/// from <c>Producer:RateLimit</c>: a fixed window of <see cref="PermitLimit"/> requests, and at most
/// <see cref="QueueLimit"/> more waiting for the next window. Past that a request is answered 429 with Retry-After.
/// </summary>
public sealed class ProducerRateLimitOptions
{
    // ProducerRateLimitOptionsValidator checks the TimeSpan ranges with its own generated copy of RangeAttribute, which needs no
    // reflection; nothing reads these attributes by reflection, so their trimming warning does not apply.
    private const string TimeSpanRange = "Validated by the generated ProducerRateLimitOptionsValidator, not by reflection.";

    public const string SectionName = "Producer:RateLimit";

    [Range(1, 10_000_000)]
    public int PermitLimit { get; set; } = 1_000;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TimeSpanRange)]
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1_000;
}
