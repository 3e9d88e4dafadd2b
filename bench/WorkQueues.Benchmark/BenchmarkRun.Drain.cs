using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>Drain and fair dispatch: the Workers against the raw client's consume.</summary>
public sealed partial class BenchmarkRun
{
    private string Consume(ushort prefetch) => $"baseline consume, {BenchSettings.Workers} consumers, prefetch {prefetch}{Fills}";

    private string Drain(ushort prefetch, bool tracing) =>
        $"drain, {BenchSettings.Workers} Workers, Concurrency {prefetch}, tracing {(tracing ? "on" : "off")}{Fills}";

    /// <summary>Names the figures and targets of a run with traced fills apart from the default's.</summary>
    private string Fills => settings.TracedFills ? ", traceparent on each" : "";

    /// <summary>What the drain's tasks carry: the trace context when asked for (--traced-fills), else none.</summary>
    private MessageTraceContext? FillTraceContext => settings.TracedFills ? BaselineTrace.Value : null;

    /// <summary>The raw client's consume ceiling: a pre-filled queue drained by the baseline consumers.</summary>
    private async Task<Rate> BaselineConsumeAsync(ushort prefetch)
    {
        await _publisher.PublishAsync(settings.ConsumeCount, ZeroDotTask, trace: FillTraceContext, ownConfirms: true);
        await using var consumers = await BaselineConsumers.StartAsync(broker, BenchSettings.Workers, prefetch);
        CpuShares.Mark others = default; // taken when the timing starts
        var rate = await _probe.TimeDrainAsync(BenchSettings.Workers, Patience, start: () => others = _shares.Take());
        // The bench's share here is the raw consumers' own: the Workers' figure to set beside it.
        RecordShares(Consume(prefetch), others, rate.Count);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>A Worker's cold start: from launching the process to its first task done.</summary>
    private async Task FirstTaskAsync()
    {
        var firstId = Guid.NewGuid().ToString("N");
        await _publisher.PublishAsync(1, _ => "first task", _ => firstId, ownConfirms: true);
        var firstWorker = StartWorker(0, concurrency: 1, tracing: true);
        await _completions.WaitForAsync([firstId], Patience);
        _report.Add("Worker: start to first task done", firstWorker.SinceStart.Elapsed.TotalSeconds, "s");
        _report.Add("Worker RSS after its first task", ToMegabytes(firstWorker.RssBytes), "MB");
        await StopAsync([firstWorker]);
    }

    /// <summary>Zero-dot tasks through the Worker replicas, timed warm.</summary>
    private async Task<Rate> WorkerDrainAsync(ushort prefetch, bool tracing)
    {
        var workers = Enumerable.Range(0, BenchSettings.Workers).Select(w => StartWorker(w, prefetch, tracing)).ToArray();
        var rate = await TimeWarmDrainAsync(workers, Drain(prefetch, tracing));
        await StopAsync(workers);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>
    /// A warm drain (<see cref="WarmDrain"/>), with every side's CPU per task over the timed part: the Workers', the
    /// broker's and the bench's (its OTLP sink taking the Workers' telemetry, its task-event watcher and queue probe).
    /// </summary>
    private async Task<Rate> TimeWarmDrainAsync(IReadOnlyList<ServiceProcess> workers, string name)
    {
        CpuShares.Mark others = default; // taken when the timing starts
        var (rate, cpu) = await WarmDrain.TimeAsync(_probe, _publisher, workers, settings, ZeroDotTask, Patience, FillTraceContext, timing: () => others = _shares.Take());
        RecordCpu($"Worker CPU per task: {name}", cpu, settings.DrainCount);
        RecordShares(name, others, settings.DrainCount);
        return rate;
    }

    /// <summary>The fixed mix on idle Workers at the tutorial's prefetch 1.</summary>
    private async Task<(Figure Makespan, Figure Ideal)> FairDispatchAsync()
    {
        Say("fair dispatch");
        var dot = settings.FairDispatchDot;
        var workers = Enumerable.Range(0, BenchSettings.Workers).Select(w => StartWorker(w, concurrency: 1, tracing: true, dot)).ToArray();
        await _probe.WaitForConsumersAsync(BenchSettings.Workers, Patience);
        var mix = FairDispatchMix.Dots;
        var ids = mix.Select(_ => Guid.NewGuid().ToString("N")).ToArray();
        var queuedAt = _completions.Now;
        await _publisher.PublishAsync(mix.Count, i => FairDispatchMix.TaskText(i, mix[i]), i => ids[i], ownConfirms: true);
        var makespan = _report.Add($"fair dispatch: makespan of {mix.Count} tasks, {mix.Sum()} dots of {dot.TotalMilliseconds:0} ms", (await _completions.WaitForAsync(ids, Patience) - queuedAt).TotalSeconds, "s");
        var ideal = _report.Add($"fair dispatch: ideal schedule on {BenchSettings.Workers} workers", FairDispatchMix.IdealDots(mix, BenchSettings.Workers) * dot.TotalSeconds, "s");
        _report.Add("fair dispatch: round robin (no prefetch limit) would take", FairDispatchMix.RoundRobinDots(mix, BenchSettings.Workers) * dot.TotalSeconds, "s");
        await StopAsync(workers);
        return (makespan, ideal);
    }

    private ServiceProcess StartWorker(int replica, int concurrency, bool tracing, TimeSpan? dot = null)
    {
        var environment = new Dictionary<string, string>(ServiceEnvironment(tracing))
        {
            ["Worker__Concurrency"] = concurrency.ToString(),
        };
        if (dot is { } duration)
        {
            environment["Worker__DotDuration"] = duration.ToString("c");
        }

        return StartService(WorkerProject, $"worker-{replica}", environment);
    }

    private async Task StopAsync(IReadOnlyList<ServiceProcess> workers)
    {
        foreach (var worker in workers)
        {
            worker.EnsureRunning();
            _workerPeaks.Add(worker.PeakRssBytes);
            await worker.DisposeAsync();
        }

        Say($"  Worker peak RSS: {string.Join(", ", workers.Select(w => $"{ToMegabytes(w.PeakRssBytes):0} MB"))}");
    }
}
