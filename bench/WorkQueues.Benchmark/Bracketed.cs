namespace WorkQueues.Benchmark;

/// <summary>
/// One measurement taken between two runs of its baseline, and compared with their mean: the machine's drift over the
/// minute they take hits both sides of the ratio alike.
/// </summary>
public readonly record struct Bracketed(Rate Before, Rate Subject, Rate After)
{
    public double Baseline => (Before.PerSecond + After.PerSecond) / 2;

    public double Ratio => Baseline > 0 ? Subject.PerSecond / Baseline : 0;

    /// <summary>
    /// Runs <paramref name="subjects"/> in order with <paramref name="baseline"/> before, between and after them
    /// (baseline, subject, baseline, subject, baseline): each subject is bracketed by the baselines next to it, and a
    /// baseline between two subjects serves both.
    /// </summary>
    public static async Task<IReadOnlyList<Bracketed>> RunAsync(Func<Task<Rate>> baseline, params Func<Task<Rate>>[] subjects)
    {
        var results = new List<Bracketed>(subjects.Length);
        var before = await baseline();
        foreach (var subject in subjects)
        {
            var measured = await subject();
            var after = await baseline();
            results.Add(new Bracketed(before, measured, after));
            before = after;
        }

        return results;
    }
}
