namespace WorkQueues.Benchmark;

/// <summary>
/// One benchmark run: the raw client's ceiling, then the Producer and Workers as real processes, all on one broker
/// so every target is a ratio of figures measured minutes apart on the same machine.
/// </summary>
public sealed class BenchmarkRun(BenchSettings settings, BenchBroker broker, OtlpSink telemetry, TextWriter progress)
{
    private const string ProducerProject = "WorkQueues.Producer";
    private const string WorkerProject = "WorkQueues.Worker";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly ushort[] Prefetches = [1, 16];

    private readonly List<long> _workerPeaks = [];
    private BenchReport _report = null!;
    private QueueProbe _probe = null!;
    private WindowedPublisher _publisher = null!;
    private CompletionWatcher _completions = null!;

    public async Task<BenchReport> RunAsync()
    {
        await using var connection = await broker.ConnectAsync("bench");
        _report = new BenchReport(settings, MachineInfo.Describe(connection));
        _probe = await QueueProbe.OpenAsync(connection);
        _publisher = new WindowedPublisher(connection, settings.ConfirmWindow);
        await using var completions = _completions = await CompletionWatcher.StartAsync(connection);
        await _probe.PurgeAsync();
        Say($"Broker: {broker.Description}.");

        // The Producer, as deployed: tracing on, exporting to an OTLP endpoint. It runs through the Worker runs too,
        // taking the task events as it would.
        await using var producer = ServiceProcess.Start(ProducerProject, "producer", ServiceEnvironment(tracing: true));
        using var client = new ProducerClient(producer.BaseAddress, _producerApiKey);
        await client.WaitUntilAcceptingAsync(producer, Patience);
        _report.Add("Producer: start to first task accepted", producer.SinceStart.Elapsed.TotalSeconds, "s");
        await _probe.PurgeAsync();
        if (settings.Runs("drain"))
        {
            await FirstTaskAsync();
        }

        // Each round measures the raw client right before what is compared with it, and every target is the median of
        // the rounds' own ratios: the machine's drift over minutes then hits both sides of a ratio alike.
        var series = new Dictionary<string, List<Rate>>();
        void Record(string name, Rate rate) => (series.TryGetValue(name, out var list) ? list : series[name] = []).Add(rate);
        for (var round = 1; round <= settings.Rounds; round++)
        {
            if (settings.Runs("ingest"))
            {
                Say($"round {round}: baseline publish, batch ingest, single-POST ingest");
                Record(Publish, await BaselinePublishAsync());
                Record(Batch, await client.PostBatchesAsync(settings.BatchIngestCount, BenchSettings.BatchSize, BenchSettings.BatchClients, ZeroDotTask));
                await _probe.PurgeAsync();
                Record(Single, await client.PostEachAsync(settings.SingleIngestCount, BenchSettings.HttpClients, ZeroDotTask));
                await _probe.PurgeAsync();
                producer.EnsureRunning();
            }

            if (settings.Runs("drain"))
            {
                foreach (var prefetch in Prefetches)
                {
                    Say($"round {round}: baseline consume at prefetch {prefetch}, Workers at Concurrency {prefetch} with tracing on and off");
                    Record(Consume(prefetch), await BaselineConsumeAsync(prefetch));
                    foreach (var tracing in new[] { true, false })
                    {
                        Record(Drain(prefetch, tracing), await WorkerDrainAsync(prefetch, tracing));
                    }
                }
            }
        }

        foreach (var (name, rates) in series)
        {
            _report.Add(name, Rate.Median(rates), name.StartsWith("baseline", StringComparison.Ordinal) ? "msg/s" : "tasks/s");
        }

        var (makespan, ideal) = settings.Runs("fair") ? await FairDispatchAsync() : default;

        var producerPeak = _report.Add("Producer peak RSS", ToMegabytes(producer.PeakRssBytes), "MB");
        var workerPeak = _workerPeaks.Count > 0 ? _report.Add("Worker peak RSS (highest of every Worker run)", ToMegabytes(_workerPeaks.Max()), "MB") : null;
        foreach (var (signal, bytes) in telemetry.BytesReceived.OrderBy(s => s.Key))
        {
            _report.Add($"telemetry exported to the OTLP sink: {signal}", ToMegabytes(bytes), "MB");
        }

        void AtLeast(string name, string measured, string baseline, double target)
        {
            if (series.ContainsKey(measured) && series.ContainsKey(baseline))
            {
                _report.AtLeast(name, Rate.MedianRatio(series[measured], series[baseline]), target, $"{measured} / {baseline}, median of the rounds' ratios");
            }
        }

        AtLeast("ingest, batch ≥ 0.9× baseline publish", Batch, Publish, 0.9);
        AtLeast("ingest, single POSTs ≥ 0.5× baseline publish", Single, Publish, 0.5);
        foreach (var prefetch in Prefetches)
        {
            AtLeast($"drain ≥ 0.85× baseline consume, prefetch {prefetch}", Drain(prefetch, true), Consume(prefetch), 0.85);
        }

        foreach (var prefetch in Prefetches)
        {
            AtLeast($"tracing on / off ≥ 0.9, Concurrency {prefetch}", Drain(prefetch, true), Drain(prefetch, false), 0.9);
        }

        _report.AtMost("fair-dispatch makespan ≤ 1.05× ideal", makespan, ideal, 1.05);
        _report.AtMost("Worker RSS ≤ 80 MB", workerPeak, 80);
        _report.AtMost("Producer RSS ≤ 120 MB", producerPeak, 120);
        return _report;
    }

    private string Publish => $"baseline publish, {settings.ConfirmWindow} confirms outstanding";

    private static string Batch => $"ingest POST /tasks/batch ({BenchSettings.BatchSize}/request, {BenchSettings.BatchClients} clients)";

    private static string Single => $"ingest POST /tasks ({BenchSettings.HttpClients} keep-alive clients)";

    private static string Consume(ushort prefetch) => $"baseline consume, {BenchSettings.Workers} consumers, prefetch {prefetch}";

    private static string Drain(ushort prefetch, bool tracing) =>
        $"drain, {BenchSettings.Workers} Workers, Concurrency {prefetch}, tracing {(tracing ? "on" : "off")}";

    /// <summary>The raw client's publish ceiling on this broker.</summary>
    private async Task<Rate> BaselinePublishAsync()
    {
        var rate = await _publisher.PublishAsync(settings.PublishCount, ZeroDotTask);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>The raw client's consume ceiling: a pre-filled queue drained by the baseline consumers.</summary>
    private async Task<Rate> BaselineConsumeAsync(ushort prefetch)
    {
        await _publisher.PublishAsync(settings.ConsumeCount, ZeroDotTask);
        await using var consumers = await BaselineConsumers.StartAsync(broker, BenchSettings.Workers, prefetch);
        var rate = await _probe.TimeDrainAsync(BenchSettings.Workers, Patience);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>A Worker's cold start: from launching the process to its first task done.</summary>
    private async Task FirstTaskAsync()
    {
        var firstId = Guid.NewGuid().ToString("N");
        await _publisher.PublishAsync(1, _ => "first task", _ => firstId);
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
        var rate = await TimeWarmDrainAsync();
        await StopAsync(workers);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>
    /// Times the drain of Workers in their steady state, as long-running ones are: warm-up loads first, for
    /// <see cref="BenchSettings.WarmUp"/> (until their code is compiled and tiered up; the JIT is busy for seconds after
    /// a start), then the queue filled at full speed while they keep consuming, and timed from the last confirm of
    /// the fill to empty, with nothing else running.
    /// </summary>
    private async Task<Rate> TimeWarmDrainAsync()
    {
        await _probe.WaitForConsumersAsync(BenchSettings.Workers, Patience);
        var warming = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await _publisher.PublishAsync(settings.WarmUpCount, ZeroDotTask);
            await _probe.WaitForEmptyAsync(Patience);
        }
        while (warming.Elapsed < settings.WarmUp);

        var fill = _publisher.PublishAsync(settings.DrainCount, ZeroDotTask);
        return await _probe.TimeDrainAsync(BenchSettings.Workers, Patience, fill);
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
        await _publisher.PublishAsync(mix.Count, i => FairDispatchMix.TaskText(i, mix[i]), i => ids[i]);
        var makespan = _report.Add($"fair dispatch: makespan of {mix.Count} tasks, {mix.Sum()} dots of {dot.TotalMilliseconds:0} ms", (await _completions.WaitForAsync(ids, Patience) - queuedAt).TotalSeconds, "s");
        var ideal = _report.Add($"fair dispatch: ideal schedule on {BenchSettings.Workers} workers", FairDispatchMix.IdealDots(mix, BenchSettings.Workers) * dot.TotalSeconds, "s");
        _report.Add("fair dispatch: round robin (no prefetch limit) would take", FairDispatchMix.RoundRobinDots(mix, BenchSettings.Workers) * dot.TotalSeconds, "s");
        await StopAsync(workers);
        return (makespan, ideal);
    }

    private static string ZeroDotTask(int i) => $"bench task {i}";

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

        return ServiceProcess.Start(WorkerProject, $"worker-{replica}", environment);
    }

    // The Producer runs as deployed (Production), so it needs its keys; and the bench measures publishing, not the
    // rate limit, which it lifts.
    private readonly string _producerApiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly string _producerAdminKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private IReadOnlyDictionary<string, string> ServiceEnvironment(bool tracing) =>
        new Dictionary<string, string>(telemetry.ExporterEnvironment(tracing))
        {
            ["ConnectionStrings__messaging"] = broker.Uri.ToString(),
            ["Producer__MaxPublishesInFlight"] = settings.ConfirmWindow.ToString(),
            ["Producer__ApiKey"] = _producerApiKey,
            ["Producer__AdminApiKey"] = _producerAdminKey,
            ["Producer__RateLimit__PermitLimit"] = "10000000",
        };

    private async Task StopAsync(IEnumerable<ServiceProcess> workers)
    {
        foreach (var worker in workers)
        {
            worker.EnsureRunning();
            _workerPeaks.Add(worker.PeakRssBytes);
            await worker.DisposeAsync();
        }
    }

    private void Say(string line) => progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private static double ToMegabytes(long bytes) => bytes / (1024.0 * 1024);
}
