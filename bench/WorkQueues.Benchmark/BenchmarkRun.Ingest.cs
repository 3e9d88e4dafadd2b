using System.Diagnostics;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>Ingest: the Producer's HTTP APIs against the raw client's publish.</summary>
public sealed partial class BenchmarkRun
{
    private async Task<Rate> IngestAsync(ServiceProcess producer, string name, Func<Task<Rate>> ingest)
    {
        var cpu = producer.CpuTime;
        var others = _shares.Take();
        var rate = await ingest();
        RecordCpu($"Producer CPU per task: {name}", producer.CpuTime - cpu, rate.Count);
        RecordShares(name, others, rate.Count);
        await _probe.PurgeAsync();
        return rate;
    }

    private string Publish =>
        $"baseline publish, {settings.ConfirmWindow} confirms outstanding{(settings.UntrackedBaseline ? " tracked from the acks" : "")}{(settings.TracedBaseline ? ", traceparent on each" : "")}";

    /// <summary>What the baseline's tasks carry: the trace context when asked for (--traced-baseline), else none.</summary>
    private MessageTraceContext? BaselineTraceContext => settings.TracedBaseline ? BaselineTrace.Value : null;

    /// <summary>
    /// One trace context for every traced baseline task and drain fill (--traced-baseline, --traced-fills), as a batch's
    /// tasks share their request's.
    /// </summary>
    private static readonly Lazy<MessageTraceContext> BaselineTrace = new(() =>
    {
        using var activity = new Activity("baseline publish").SetIdFormat(ActivityIdFormat.W3C)
            .SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        return MessageTraceContext.Of(activity)!;
    });

    private static string Batch => $"ingest POST /tasks/batch ({BenchSettings.BatchSize}/request, {BenchSettings.BatchClients} clients)";

    private static string Single => $"ingest POST /tasks ({BenchSettings.HttpClients} keep-alive clients)";

    /// <summary>The raw client's publish ceiling on this broker.</summary>
    private async Task<Rate> BaselinePublishAsync()
    {
        var others = _shares.Take();
        var rate = await _publisher.PublishAsync(settings.PublishCount, ZeroDotTask, trace: BaselineTraceContext, ownConfirms: settings.UntrackedBaseline);
        RecordShares(Publish, others, rate.Count);
        await _probe.PurgeAsync();
        return rate;
    }

    /// <summary>
    /// Ingest of each kind for <see cref="BenchSettings.WarmUp"/>, not measured: the bench's own publisher, HTTP and
    /// JSON code is compiled and tiered up here instead of in round 1, where its JIT took a third of a core from the
    /// batch ingest (a profile of that round) and its clients' CPU per task was up to three times the later rounds'.
    /// </summary>
    private async Task WarmUpIngestAsync(ProducerClient client)
    {
        Say($"warm-up: baseline publish, batch ingest and single-POST ingest for {settings.WarmUp.TotalSeconds:0} s, not measured");
        var warming = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            await _publisher.PublishAsync(settings.WarmUpCount, ZeroDotTask, trace: BaselineTraceContext, ownConfirms: settings.UntrackedBaseline);
            await client.PostBatchesAsync(settings.WarmUpCount, BenchSettings.BatchSize, BenchSettings.BatchClients, ZeroDotTask);
            await client.PostEachAsync(settings.WarmUpCount / 4, BenchSettings.HttpClients, ZeroDotTask);
            await _probe.PurgeAsync();
        }
        while (warming.Elapsed < settings.WarmUp);
    }
}
