using System.Diagnostics;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// The <c>cluster</c> part: quorum queues on one node and on a three-node local cluster, each broker measured with the
/// raw client right before the Producer and Workers on it, so the ratios say what the services cost there and the
/// figures, next to the single broker's classic ones, say what replication costs.
/// </summary>
public sealed class ClusterBenchmark(BenchSettings settings, OtlpSink telemetry, BenchReport report, TextWriter progress)
{
    public const string Part = "cluster";

    /// <summary>The brokers measured: quorum queues on one node (what quorum itself costs), then on three.</summary>
    private static readonly int[] NodeCounts = [1, 3];

    private const ushort Prefetch = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly string _apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public async Task RunAsync()
    {
        foreach (var nodes in NodeCounts)
        {
            Say($"quorum queues on {nodes} node(s): starting the broker");
            var clock = Stopwatch.StartNew();
            await using var cluster = await LocalRabbitMQCluster.StartAsync("bench", nodes, TimeSpan.FromSeconds(120));
            report.Add($"quorum, {nodes} node(s): broker start to every node in the cluster", clock.Elapsed.TotalSeconds, "s");
            await using var broker = BenchBroker.Of(cluster.Uri, $"local {nodes}-node cluster started by the bench");
            await MeasureAsync(broker, cluster, $"quorum, {nodes} node(s)");
        }
    }

    private async Task MeasureAsync(BenchBroker broker, LocalRabbitMQCluster cluster, string label)
    {
        await using var connection = await broker.ConnectAsync("bench-cluster");
        // A plain declare: on the cluster's vhost it makes task_queue a quorum queue, as for the tutorial's clients.
        var probe = await QueueProbe.OpenAsync(connection);
        var publisher = new WindowedPublisher(connection, settings.ConfirmWindow);
        var environment = new Dictionary<string, string>(telemetry.ExporterEnvironment(tracing: true))
        {
            ["ConnectionStrings__messaging"] = cluster.Uri.ToString(),
            ["Messaging__Endpoints"] = cluster.Endpoints,
            ["Tasks__QueueType"] = "Quorum",
            ["Producer__MaxPublishesInFlight"] = settings.ConfirmWindow.ToString(),
            ["Producer__ApiKey"] = _apiKey,
            ["Producer__AdminApiKey"] = _apiKey + "admin",
            ["Producer__RateLimit__PermitLimit"] = "10000000",
        };

        var publish = new List<Rate>();
        var ingest = new List<Rate>();
        var consume = new List<Rate>();
        var drain = new List<Rate>();
        await using (var producer = ServiceProcess.Start("WorkQueues.Producer", $"producer-{label}", environment))
        {
            using var client = new ProducerClient(producer.BaseAddress, _apiKey);
            await client.WaitUntilAcceptingAsync(producer, Patience);
            await probe.PurgeAsync();
            for (var round = 1; round <= settings.Rounds; round++)
            {
                Say($"{label}, round {round}: baseline publish, batch ingest");
                publish.Add(await publisher.PublishAsync(settings.PublishCount, Task));
                await probe.PurgeAsync();
                ingest.Add(await client.PostBatchesAsync(settings.BatchIngestCount, BenchSettings.BatchSize, BenchSettings.BatchClients, Task));
                await probe.PurgeAsync();
                producer.EnsureRunning();
            }
        }

        for (var round = 1; round <= settings.Rounds; round++)
        {
            Say($"{label}, round {round}: baseline consume and Workers at prefetch {Prefetch}");
            await publisher.PublishAsync(settings.ConsumeCount, Task);
            await using (await BaselineConsumers.StartAsync(broker, BenchSettings.Workers, Prefetch))
            {
                consume.Add(await probe.TimeDrainAsync(BenchSettings.Workers, Patience));
            }

            await probe.PurgeAsync();
            drain.Add(await WorkerDrainAsync(probe, publisher, environment, label));
        }

        report.Add($"{label}: baseline publish, {settings.ConfirmWindow} confirms outstanding", Rate.Median(publish), "msg/s");
        report.Add($"{label}: ingest POST /tasks/batch", Rate.Median(ingest), "tasks/s");
        report.Add($"{label}: baseline consume, prefetch {Prefetch}", Rate.Median(consume), "msg/s");
        report.Add($"{label}: drain, {BenchSettings.Workers} Workers, Concurrency {Prefetch}", Rate.Median(drain), "tasks/s");
        report.AtLeast($"{label}: ingest, batch ≥ 0.9× baseline publish", Rate.MedianRatio(ingest, publish), 0.9, "ingest / baseline publish on this broker");
        report.AtLeast($"{label}: drain ≥ 0.85× baseline consume, prefetch {Prefetch}", Rate.MedianRatio(drain, consume), 0.85, "drain / baseline consume on this broker");
    }

    /// <summary>Workers warmed up for <see cref="BenchSettings.WarmUp"/>, then timed from a full queue to empty.</summary>
    private async Task<Rate> WorkerDrainAsync(QueueProbe probe, WindowedPublisher publisher, IReadOnlyDictionary<string, string> environment, string label)
    {
        var workers = Enumerable.Range(0, BenchSettings.Workers)
            .Select(i => ServiceProcess.Start("WorkQueues.Worker", $"worker-{i}-{label}", new Dictionary<string, string>(environment) { ["Worker__Concurrency"] = Prefetch.ToString() }))
            .ToList();
        try
        {
            await probe.WaitForConsumersAsync(BenchSettings.Workers, Patience);
            var warming = Stopwatch.StartNew();
            do
            {
                await publisher.PublishAsync(settings.WarmUpCount, Task);
                await probe.WaitForEmptyAsync(Patience);
            }
            while (warming.Elapsed < settings.WarmUp);

            var fill = publisher.PublishAsync(settings.DrainCount, Task);
            return await probe.TimeDrainAsync(BenchSettings.Workers, Patience, fill);
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

    private static string Task(int i) => $"cluster bench task {i}";

    private void Say(string line) => progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
