namespace WorkQueues.Benchmark;

/// <summary>Messages over the time they took.</summary>
public readonly record struct Rate(double Count, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public static Rate From(int count, TimeSpan elapsed) => new(count, elapsed);

    /// <summary>This rate as a fraction of <paramref name="other"/>; 0 when the other measured nothing.</summary>
    public double RelativeTo(Rate other) => other.PerSecond > 0 ? PerSecond / other.PerSecond : 0;

    /// <summary>The spread of repeated runs' rates.</summary>
    public static Spread Spread(IEnumerable<Rate> rates) => WorkQueues.Benchmark.Spread.Of(rates.Select(r => r.PerSecond));
}
