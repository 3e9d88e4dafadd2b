namespace WorkQueues.Benchmark;

/// <summary>
/// One benchmark run: the Producer and Workers as real processes, each measurement taken between two runs of the raw
/// client on the same broker, so every target is a ratio of figures measured seconds apart on the same machine.
/// </summary>
public sealed partial class BenchmarkRun(BenchSettings settings, BenchBroker broker, OtlpSink telemetry, TextWriter progress)
{
    private const string ProducerProject = "WorkQueues.Producer";
    private const string WorkerProject = "WorkQueues.Worker";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly ushort[] Prefetches = [1, 16];

    private readonly List<long> _workerPeaks = [];
    private readonly Dictionary<string, List<Rate>> _baselines = [];
    private readonly Dictionary<string, List<Bracketed>> _subjects = [];
    private readonly Dictionary<string, List<double>> _cpu = [];
    private readonly CpuShares _shares = new(broker);
    private ServiceBinaries _binaries = null!;

    /// <summary>The services as this run prepared them (published or built), for parts that start services of their own.</summary>
    public ServiceBinaries Binaries => _binaries;
    private BenchReport _report = null!;
    private QueueProbe _probe = null!;
    private WindowedPublisher _publisher = null!;
    private CompletionWatcher _completions = null!;

    public async Task<BenchReport> RunAsync()
    {
        await using var connection = await broker.ConnectAsync("bench");
        _report = new BenchReport(settings, MachineInfo.Describe(connection));
        _binaries = await ServiceBinaries.PrepareAsync(settings.Form, [ProducerProject, WorkerProject], progress);
        foreach (var (project, bytes) in _binaries.PublishedBytes)
        {
            _report.Add($"{project}: published size (without symbols)", ToMegabytes(bytes), "MB");
        }

        _probe = await QueueProbe.OpenAsync(connection);
        _publisher = new WindowedPublisher(connection, settings.ConfirmWindow);
        await using var completions = _completions = await CompletionWatcher.StartAsync(connection);
        await _probe.PurgeAsync();
        Say($"Broker: {broker.Description}. Services: {settings.Form}.");

        // The Producer, as deployed: tracing on, exporting to an OTLP endpoint. It runs through the Worker runs too,
        // taking the task events as it would.
        await using var producer = StartService(ProducerProject, "producer", ServiceEnvironment(tracing: true));
        using var client = new ProducerClient(producer.BaseAddress, _environment.ApiKey);
        await client.WaitUntilAcceptingAsync(producer, Patience);
        _report.Add("Producer: start to first task accepted", producer.SinceStart.Elapsed.TotalSeconds, "s");
        await _probe.PurgeAsync();
        if (settings.Runs("drain"))
        {
            await FirstTaskAsync();
        }

        if (settings.Runs("ingest"))
        {
            await WarmUpIngestAsync(client);
        }

        // Every measurement is taken between two runs of the raw client it is compared with (baseline, subject,
        // baseline, subject, baseline), and each target is the median of the rounds' ratios to those brackets.
        for (var round = 1; round <= settings.Rounds; round++)
        {
            if (settings.Runs("ingest"))
            {
                Say($"round {round}: baseline publish, batch ingest, baseline publish, single-POST ingest, baseline publish");
                var ingest = await Bracketed.RunAsync(
                    () => Baseline(Publish, BaselinePublishAsync()),
                    () => IngestAsync(producer, Batch, () => client.PostBatchesAsync(settings.BatchIngestCount, BenchSettings.BatchSize, BenchSettings.BatchClients, ZeroDotTask)),
                    () => IngestAsync(producer, Single, () => client.PostEachAsync(settings.SingleIngestCount, BenchSettings.HttpClients, ZeroDotTask)));
                Record(Batch, ingest[0]);
                Record(Single, ingest[1]);
                producer.EnsureRunning();
            }

            if (settings.Runs("drain"))
            {
                foreach (var prefetch in Prefetches)
                {
                    Say($"round {round}: baseline consume at prefetch {prefetch} around Workers at Concurrency {prefetch}, tracing on, then off");
                    var drain = await Bracketed.RunAsync(
                        () => Baseline(Consume(prefetch), BaselineConsumeAsync(prefetch)),
                        () => WorkerDrainAsync(prefetch, tracing: true),
                        () => WorkerDrainAsync(prefetch, tracing: false));
                    Record(Drain(prefetch, true), drain[0]);
                    Record(Drain(prefetch, false), drain[1]);
                }
            }
        }

        foreach (var (name, rates) in _baselines)
        {
            _report.Add(name, Rate.Spread(rates), "msg/s");
        }

        foreach (var (name, runs) in _subjects)
        {
            _report.Add(name, Rate.Spread(runs.Select(r => r.Subject)), "tasks/s");
        }

        foreach (var (name, perTask) in _cpu)
        {
            _report.Add(name, Spread.Of(perTask), "µs");
        }

        var (makespan, ideal) = settings.Runs("fair") ? await FairDispatchAsync() : default;

        var producerPeak = _report.Add("Producer peak RSS", ToMegabytes(producer.PeakRssBytes), "MB");
        var workerPeak = _workerPeaks.Count > 0 ? _report.Add("Worker peak RSS (every Worker run)", Spread.Of(_workerPeaks.Select(ToMegabytes)), "MB") : null;
        foreach (var (signal, bytes) in telemetry.BytesReceived.OrderBy(s => s.Key))
        {
            _report.Add($"telemetry exported to the OTLP sink: {signal}", ToMegabytes(bytes), "MB");
        }

        await producer.DisposeAsync();
        if (settings.Runs("coldstart"))
        {
            Say("cold start: dotnet run --project WorkQueues.AppHost to the first task done");
            _report.Add("cold start: dotnet run --project WorkQueues.AppHost to first task done", (await ColdStart.MeasureAsync(Patience, progress)).TotalSeconds, "s");
        }

        JudgeTargets(makespan, ideal, producerPeak, workerPeak);
        return _report;
    }

    /// <summary>Each target, judged on the median of the rounds (<see cref="BenchReport"/>).</summary>
    private void JudgeTargets(Figure? makespan, Figure? ideal, Figure? producerPeak, Figure? workerPeak)
    {
        void AtLeast(string name, string measured, double target) =>
            _report.AtLeast(name, Spread.Of(_subjects[measured].Select(r => r.Ratio)), target, $"{measured} / mean of the baselines around it");

        if (settings.Runs("ingest"))
        {
            AtLeast("ingest, batch ≥ 0.9× baseline publish", Batch, 0.9);
            AtLeast("ingest, single POSTs ≥ 0.5× baseline publish", Single, 0.5);
        }

        if (settings.Runs("drain"))
        {
            foreach (var prefetch in Prefetches)
            {
                AtLeast($"drain ≥ 0.85× baseline consume, prefetch {prefetch}{Fills}", Drain(prefetch, true), 0.85);
            }

            foreach (var prefetch in Prefetches)
            {
                // The same Workers' two runs of a round, side by side: dividing each by its own baselines first adds the
                // raw consumer's spread to a comparison it takes no part in. Two runs still disagree by ~0.1 either way
                // (docs/benchmarks.md): the Workers' own runs vary that much.
                var onOff = _subjects[Drain(prefetch, true)].Zip(_subjects[Drain(prefetch, false)], (on, off) => on.Subject.RelativeTo(off.Subject));
                _report.AtLeast($"tracing on / off ≥ 0.9, Concurrency {prefetch}{Fills}", Spread.Of(onOff), 0.9, "each round's tracing-on rate over its tracing-off rate");
            }
        }

        _report.AtMost("fair-dispatch makespan ≤ 1.05× ideal", makespan, ideal, 1.05);
        _report.AtMost("Worker RSS ≤ 80 MB", workerPeak, 80);
        _report.AtMost("Producer RSS ≤ 120 MB", producerPeak, 120);
        _report.AtMost("cold start ≤ 15 s", _report.Find("cold start"), 15);
    }

    /// <summary>Keeps a subject's run, and shows it with its ratio, so a round's figures can be read as the run goes.</summary>
    private void Record(string name, Bracketed run)
    {
        (_subjects.TryGetValue(name, out var list) ? list : _subjects[name] = []).Add(run);
        Say($"  {name}: {run.Subject.PerSecond:N0}/s, {run.Ratio:0.00}× the {run.Baseline:N0}/s around it");
    }

    private async Task<Rate> Baseline(string name, Task<Rate> measurement)
    {
        var rate = await measurement;
        (_baselines.TryGetValue(name, out var list) ? list : _baselines[name] = []).Add(rate);
        Say($"  {name}: {rate.PerSecond:N0}/s");
        return rate;
    }

    /// <summary>CPU per task: steadier than a rate on a shared machine, and what a task costs whatever else runs.</summary>
    private void RecordCpu(string name, TimeSpan cpu, double tasks) =>
        (_cpu.TryGetValue(name, out var list) ? list : _cpu[name] = []).Add(cpu.TotalMicroseconds / tasks);

    private void RecordShares(string name, CpuShares.Mark start, double tasks)
    {
        foreach (var (side, cpu) in _shares.Since(start))
        {
            RecordCpu($"{side} CPU per task: {name}", cpu, tasks);
        }
    }

    private static string ZeroDotTask(int i) => $"bench task {i}";

    private readonly ServiceEnvironment _environment = new(settings, telemetry);

    private ServiceProcess StartService(string project, string name, IReadOnlyDictionary<string, string> environment) =>
        ServiceProcess.Start(_binaries, project, name, environment);

    private IReadOnlyDictionary<string, string> ServiceEnvironment(bool tracing) => _environment.For(broker.Uri, tracing);

    private void Say(string line) => progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private static double ToMegabytes(long bytes) => bytes / (1024.0 * 1024);
}
