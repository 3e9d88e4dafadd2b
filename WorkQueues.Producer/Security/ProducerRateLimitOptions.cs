using System.ComponentModel.DataAnnotations;

namespace WorkQueues.Producer.Security;

/// <summary>
/// The rate limit on the routes that change state (every POST), per caller (its key or token, and its address), bound
/// from <c>Producer:RateLimit</c>: a fixed window of <see cref="PermitLimit"/> requests, and at most
/// <see cref="QueueLimit"/> more waiting for the next window. Past that a request is answered 429 with Retry-After.
/// </summary>
public sealed class ProducerRateLimitOptions
{
    public const string SectionName = "Producer:RateLimit";

    [Range(1, 10_000_000)]
    public int PermitLimit { get; set; } = 1_000;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 1_000;
}
