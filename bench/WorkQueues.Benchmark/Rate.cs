namespace WorkQueues.Benchmark;

/// <summary>Messages over the time they took.</summary>
public readonly record struct Rate(double Count, TimeSpan Elapsed)
{
    public double PerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public static Rate From(int count, TimeSpan elapsed) => new(count, elapsed);

    /// <summary>The median of the ratios of paired runs: <paramref name="measured"/>[i] over <paramref name="baseline"/>[i].</summary>
    public static double MedianRatio(IReadOnlyList<Rate> measured, IReadOnlyList<Rate> baseline) =>
        Median(measured.Zip(baseline, (m, b) => new Rate(b.PerSecond > 0 ? m.PerSecond / b.PerSecond : 0, TimeSpan.FromSeconds(1))));

    /// <summary>The median rate of repeated runs.</summary>
    public static double Median(IEnumerable<Rate> rates)
    {
        var sorted = rates.Select(r => r.PerSecond).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
