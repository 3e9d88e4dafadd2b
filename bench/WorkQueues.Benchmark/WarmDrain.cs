using System.Diagnostics;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>
/// Times running Workers draining a full queue in their steady state. Warm-up loads first, for
/// <see cref="BenchSettings.WarmUp"/> (until their code is compiled and tiered up), then the Workers are frozen (SIGSTOP:
/// still connected and registered, taking nothing) while the queue is filled, and timed from their thaw to empty, as
/// the baseline consumers are timed from a pre-filled queue. Filled while they consumed, they took most tasks during
/// the fill and only its short tail was timed: two runs of the same code then differed by up to 0.3 in a drain ratio.
/// Returns the rate, and the CPU time the Workers used over the timed part. Each task carries the header of
/// <paramref name="trace"/> when one is given; <paramref name="timing"/> is told when the timed part starts.
/// </summary>
public static class WarmDrain
{
    public static async Task<(Rate Rate, TimeSpan Cpu)> TimeAsync(
        QueueProbe probe, WindowedPublisher publisher, IReadOnlyList<ServiceProcess> workers, BenchSettings settings, Func<int, string> text, TimeSpan patience,
        MessageTraceContext? trace = null, Action? timing = null)
    {
        await probe.WaitForConsumersAsync(workers.Count, patience);
        var warming = Stopwatch.StartNew();
        do
        {
            await publisher.PublishAsync(settings.WarmUpCount, text, trace: trace, ownConfirms: true);
            await probe.WaitForEmptyAsync(patience);
        }
        while (warming.Elapsed < settings.WarmUp);

        foreach (var worker in workers)
        {
            worker.Freeze();
        }

        // A frozen process ignores SIGTERM: whatever fails below, the Workers are let go before anyone stops them.
        var thawed = false;
        try
        {
            await publisher.PublishAsync(settings.DrainCount, text, trace: trace, ownConfirms: true);
            var cpuAtStart = TimeSpan.Zero;
            var rate = await probe.TimeDrainAsync(workers.Count, patience, start: () =>
            {
                cpuAtStart = CpuOf(workers);
                timing?.Invoke();
                Thaw(workers);
                thawed = true;
            });
            return (rate, CpuOf(workers) - cpuAtStart);
        }
        finally
        {
            if (!thawed)
            {
                Thaw(workers);
            }
        }
    }

    private static TimeSpan CpuOf(IEnumerable<ServiceProcess> workers) =>
        workers.Aggregate(TimeSpan.Zero, (sum, worker) => sum + worker.CpuTime);

    private static void Thaw(IEnumerable<ServiceProcess> workers)
    {
        foreach (var worker in workers)
        {
            worker.Thaw();
        }
    }
}
