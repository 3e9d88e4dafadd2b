namespace WorkQueues.Benchmark;

/// <summary>
/// The fixed mix of the fair-dispatch run: 40 tasks of 0–3 dots, heavy and light alternating, so that handing tasks
/// out in turn (round robin, no prefetch limit) piles the heavy ones on one worker while fair dispatch (prefetch 1)
/// balances them.
/// </summary>
public static class FairDispatchMix
{
    private static readonly int[] Pattern = [3, 0, 1, 2];

    /// <summary>Dots of each task, in the order they are queued.</summary>
    public static IReadOnlyList<int> Dots { get; } = Enumerable.Range(0, 40).Select(i => Pattern[i % Pattern.Length]).ToArray();

    /// <summary>
    /// The makespan of the best schedule, in dots: no schedule beats the work spread perfectly over the workers, nor
    /// the longest task.
    /// </summary>
    public static double IdealDots(IReadOnlyList<int> dots, int workers) => Math.Max((double)dots.Sum() / workers, dots.Max());

    /// <summary>The makespan, in dots, when task i goes to worker i mod N whatever they are doing.</summary>
    public static int RoundRobinDots(IReadOnlyList<int> dots, int workers) =>
        Enumerable.Range(0, workers).Max(w => dots.Where((_, i) => i % workers == w).Sum());

    /// <summary>The task text the tutorial would send for that many dots.</summary>
    public static string TaskText(int index, int dots) => $"fair {index}" + new string('.', dots);
}
