using System.Globalization;

namespace WorkQueues.Tasks;

/// <summary>
/// What a caller may ask of a task beyond its text: to hold it until a time (<see cref="DueAt"/>, <see cref="Delay"/>
/// whole seconds from when it was accepted) and to stop an attempt running longer than <see cref="Timeout"/>.
/// <see cref="None"/> is the tutorial's plain task. Parsed from <c>?delay=</c>, <c>?notBefore=</c> and
/// <c>?timeout=</c>, or <c>--delay</c>, <c>--not-before</c> and <c>--timeout</c>, by <see cref="TryParse"/>.
/// </summary>
public sealed record TaskControls(DateTimeOffset? DueAt, long? DelaySeconds, TimeSpan? Timeout)
{
    /// <summary>The longest time limit a task may ask for: a day, far beyond <see cref="TaskOptions.MaxSeconds"/>.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    public static readonly TaskControls None = new(null, null, null);

    public bool IsScheduled => DelaySeconds is not null;

    /// <summary>
    /// Reads the raw values (any may be null); false with a reason for a malformed value, a delay outside 1 s … 7 days,
    /// a time in the past or beyond 7 days, both a delay and a time, or a time limit outside 1 s … 1 day. A delay is
    /// rounded up to whole seconds, so a task is never early.
    /// </summary>
    public static bool TryParse(string? delay, string? notBefore, string? timeout, DateTimeOffset now, out TaskControls controls, out string error)
    {
        controls = None;
        error = string.Empty;
        if (delay is not null && notBefore is not null)
        {
            error = "Give either delay or notBefore, not both.";
            return false;
        }

        TimeSpan? wait = null;
        if (delay is not null)
        {
            if (!double.TryParse(delay, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
            {
                error = $"delay '{delay}' is not a number of seconds.";
                return false;
            }

            if (seconds < TaskDelayTopology.MinDelay.TotalSeconds || seconds > TaskDelayTopology.MaxDelay.TotalSeconds)
            {
                error = $"delay must be between {TaskDelayTopology.MinDelay.TotalSeconds:0} and {TaskDelayTopology.MaxDelay.TotalSeconds:0} seconds (7 days); it was {delay}.";
                return false;
            }

            wait = TimeSpan.FromSeconds(seconds);
        }
        else if (notBefore is not null)
        {
            if (!HasOffset(notBefore) || !DateTimeOffset.TryParseExact(notBefore, RoundTripFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                error = $"notBefore '{notBefore}' is not an RFC 3339 time with an offset, e.g. 2030-01-02T03:04:05Z.";
                return false;
            }

            if (at <= now)
            {
                error = $"notBefore {notBefore} is in the past.";
                return false;
            }

            if (at - now > TaskDelayTopology.MaxDelay)
            {
                error = $"notBefore {notBefore} is more than 7 days ahead, the longest a task may wait.";
                return false;
            }

            wait = at - now;
        }

        TimeSpan? limit = null;
        if (timeout is not null)
        {
            if (!double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
            {
                error = $"timeout '{timeout}' is not a number of seconds.";
                return false;
            }

            if (seconds < 1 || seconds > MaxTimeout.TotalSeconds)
            {
                error = $"timeout must be between 1 and {MaxTimeout.TotalSeconds:0} seconds; it was {timeout}.";
                return false;
            }

            limit = TimeSpan.FromSeconds(seconds);
        }

        long? whole = wait is { } w ? Math.Max(1, TaskDelayTopology.WholeSeconds(w)) : null;
        controls = new TaskControls(whole is { } s ? now.AddSeconds(s) : null, whole, limit);
        return true;
    }

    /// <summary>RFC 3339 times always say their offset; a local time without one would mean a different instant per server.</summary>
    private static bool HasOffset(string time) =>
        time.EndsWith('Z') || time.EndsWith('z') || (time.Length > 6 && time[^6] is '+' or '-' && time[^3] == ':');

    // RFC 3339: a date, a time with optional fractions, and Z or an offset; nothing looser.
    private static readonly string[] RoundTripFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd't'HH:mm:ssK", "yyyy-MM-dd't'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];
}
