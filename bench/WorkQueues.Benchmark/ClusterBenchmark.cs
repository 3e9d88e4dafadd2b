using System.Diagnostics;
using WorkQueues.Tasks;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// The <c>cluster</c> part: classic and quorum queues on one node, and quorum queues on a three-node local cluster,
/// each broker measured with the raw client right before the Producer and Workers on it, in the same run: the ratios
/// say what the services cost on each broker, the figures side by side what quorum queues and replication cost.
/// </summary>
public sealed class ClusterBenchmark(BenchSettings settings, ServiceBinaries binaries, OtlpSink telemetry, BenchReport report, TextWriter progress)
{
    public const string Part = "cluster";

    /// <summary>The brokers measured: the default single broker, quorum on it (what quorum itself costs), quorum on three.</summary>
    private static readonly (int Nodes, TaskQueueType Type)[] Brokers = [(1, TaskQueueType.Classic), (1, TaskQueueType.Quorum), (3, TaskQueueType.Quorum)];

    private const ushort Prefetch = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly ServiceEnvironment _environment = new(settings, telemetry);

    /// <summary>Runs the part when the settings name it (<see cref="BenchSettings.RunsCluster"/>).</summary>
    public static Task RunIfNamedAsync(BenchSettings settings, ServiceBinaries binaries, OtlpSink telemetry, BenchReport report, TextWriter progress) =>
        settings.RunsCluster ? new ClusterBenchmark(settings, binaries, telemetry, report, progress).RunAsync() : Task.CompletedTask;

    public async Task RunAsync()
    {
        foreach (var (nodes, type) in Brokers)
        {
            var label = $"{type.ToString().ToLowerInvariant()}, {nodes} node{(nodes > 1 ? "s" : "")}";
            Say($"{label}: starting the broker");
            var clock = Stopwatch.StartNew();
            await using var cluster = await LocalRabbitMQCluster.StartAsync("bench", nodes, TimeSpan.FromSeconds(120), quorum: type == TaskQueueType.Quorum);
            report.Add($"{label}: broker start to every node in the cluster", clock.Elapsed.TotalSeconds, "s");
            await using var broker = BenchBroker.Of(cluster.Uri, $"local {nodes}-node broker started by the bench");
            await MeasureAsync(broker, cluster, type, label);
        }
    }

    private async Task MeasureAsync(BenchBroker broker, LocalRabbitMQCluster cluster, TaskQueueType type, string label)
    {
        await using var connection = await broker.ConnectAsync("bench-cluster");
        // A plain declare: on a quorum-default vhost it makes task_queue a quorum queue, as for the tutorial's clients.
        var probe = await QueueProbe.OpenAsync(connection);
        var publisher = new WindowedPublisher(connection, settings.ConfirmWindow);
        var environment = _environment.For(cluster.Uri, tracing: true, new Dictionary<string, string>
        {
            ["Messaging__Endpoints"] = cluster.Endpoints,
            ["Tasks__QueueType"] = type.ToString(),
        });

        var publish = new List<Rate>();
        var ingest = new List<Rate>();
        var consume = new List<Rate>();
        var drain = new List<Rate>();
        await using (var producer = ServiceProcess.Start(binaries, "WorkQueues.Producer", $"producer-{label}", environment))
        {
            using var client = new ProducerClient(producer.BaseAddress, _environment.ApiKey);
            await client.WaitUntilAcceptingAsync(producer, Patience);
            // One unmeasured load through the raw client and the Producer: the first broker would otherwise be timed
            // with both sides still compiling their code.
            await publisher.PublishAsync(settings.WarmUpCount, TaskText);
            await client.PostBatchesAsync(settings.WarmUpCount, BenchSettings.BatchSize, BenchSettings.BatchClients, TaskText);
            await probe.PurgeAsync();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                Say($"{label}, round {round}: baseline publish, batch ingest");
                publish.Add(await publisher.PublishAsync(settings.PublishCount, TaskText));
                await probe.PurgeAsync();
                ingest.Add(await client.PostBatchesAsync(settings.BatchIngestCount, BenchSettings.BatchSize, BenchSettings.BatchClients, TaskText));
                await probe.PurgeAsync();
                producer.EnsureRunning();
            }
        }

        for (var round = 1; round <= settings.Rounds; round++)
        {
            Say($"{label}, round {round}: baseline consume and Workers at prefetch {Prefetch}");
            await publisher.PublishAsync(settings.ConsumeCount, TaskText);
            await using (await BaselineConsumers.StartAsync(broker, BenchSettings.Workers, Prefetch))
            {
                consume.Add(await probe.TimeDrainAsync(BenchSettings.Workers, Patience));
            }

            await probe.PurgeAsync();
            drain.Add(await WorkerDrainAsync(probe, publisher, environment, label));
        }

        report.Add($"{label}: baseline publish, {settings.ConfirmWindow} confirms outstanding", Rate.Spread(publish), "msg/s");
        report.Add($"{label}: ingest POST /tasks/batch", Rate.Spread(ingest), "tasks/s");
        report.Add($"{label}: baseline consume, prefetch {Prefetch}", Rate.Spread(consume), "msg/s");
        report.Add($"{label}: drain, {BenchSettings.Workers} Workers, Concurrency {Prefetch}", Rate.Spread(drain), "tasks/s");
        report.AtLeast($"{label}: ingest, batch ≥ 0.9× baseline publish", Spread.Of(ingest.Zip(publish, (i, p) => i.PerSecond / p.PerSecond)), 0.9, "ingest / baseline publish on this broker");
        report.AtLeast($"{label}: drain ≥ 0.85× baseline consume, prefetch {Prefetch}", Spread.Of(drain.Zip(consume, (d, c) => d.PerSecond / c.PerSecond)), 0.85, "drain / baseline consume on this broker");
    }

    /// <summary>Workers timed warm, from a full queue to empty (<see cref="WarmDrain"/>).</summary>
    private async Task<Rate> WorkerDrainAsync(QueueProbe probe, WindowedPublisher publisher, IReadOnlyDictionary<string, string> environment, string label)
    {
        var workers = Enumerable.Range(0, BenchSettings.Workers)
            .Select(i => ServiceProcess.Start(binaries, "WorkQueues.Worker", $"worker-{i}-{label}", new Dictionary<string, string>(environment) { ["Worker__Concurrency"] = Prefetch.ToString() }))
            .ToList();
        try
        {
            return (await WarmDrain.TimeAsync(probe, publisher, workers, settings, TaskText, Patience)).Rate;
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.EnsureRunning();
                await worker.DisposeAsync();
            }

            await probe.PurgeAsync();
        }
    }

    private static string TaskText(int i) => $"cluster bench task {i}";

    private void Say(string line) => progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
