using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using WorkQueues.Tasks;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Telemetry;

public class WorkerMetricsTests
{
    [Fact]
    public void Instruments_report_started_settled_and_failed_tasks_with_queue_and_outcome_tags()
    {
        var seen = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TaskTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        // The meter is static and other tests' processors record on it meanwhile; instruments record on the caller's
        // thread, so this test's measurements are the ones made on its own.
        var thread = Environment.CurrentManagedThreadId;
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => { if (Environment.CurrentManagedThreadId == thread) seen.Add((i.Name, v, Tags(tags))); });
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => { if (Environment.CurrentManagedThreadId == thread) seen.Add((i.Name, v, Tags(tags))); });
        listener.Start();

        var metrics = new WorkerMetrics(new QueueDepthSampler(connection: null!, NullLogger<QueueDepthSampler>.Instance));
        metrics.Started(redelivered: true);
        metrics.Settled(TaskOutcome.Completed, TimeSpan.FromSeconds(2));
        metrics.Started(redelivered: false);
        metrics.Settled(TaskOutcome.DeadLettered, TimeSpan.FromSeconds(1));
        listener.RecordObservableInstruments();

        Assert.Contains(seen, m => m.Instrument == "workqueues.tasks.completed" && m.Value == 1);
        Assert.Contains(seen, m => m.Instrument == "workqueues.tasks.redelivered" && m.Value == 1);
        Assert.Contains(seen, m => m.Instrument == "workqueues.tasks.failed" && (string?)m.Tags["workqueues.task.outcome"] == "dead_lettered");
        Assert.Contains(seen, m => m.Instrument == "workqueues.task.duration" && m.Value == 2.0);
        Assert.Equal(0, seen.Where(m => m.Instrument == "workqueues.tasks.in_flight").Sum(m => m.Value));
        Assert.Contains(seen, m => m.Instrument == "workqueues.queue.depth");
        Assert.Contains(seen, m => m.Instrument == "workqueues.queue.consumers");
        Assert.All(seen, m => Assert.Equal("task_queue", m.Tags["messaging.destination.name"]));
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
