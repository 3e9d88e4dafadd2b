namespace WorkQueues.Benchmark;

/// <summary>
/// The CPU the other sides of a measurement use besides the service measured: the broker's (when the bench started it)
/// and the bench's own (its clients and the OTLP sink). On a machine of two cores, the sum of every side's CPU per task
/// bounds the rate, so these figures show a ratio's ceiling (docs/benchmarks.md, "CPU per task, every side").
/// </summary>
public sealed class CpuShares(BenchBroker broker)
{
    public readonly record struct Mark(TimeSpan? Broker, TimeSpan Bench);

    public Mark Take() => new(broker.CpuTime, Environment.CpuUsage.TotalTime);

    /// <summary>Each side's CPU since <paramref name="start"/>.</summary>
    public IEnumerable<(string Side, TimeSpan Cpu)> Since(Mark start)
    {
        var end = Take();
        if (end.Broker is { } brokerNow && start.Broker is { } brokerThen)
        {
            yield return ("broker", brokerNow - brokerThen);
        }

        yield return ("bench (clients, OTLP sink)", end.Bench - start.Bench);
    }
}
