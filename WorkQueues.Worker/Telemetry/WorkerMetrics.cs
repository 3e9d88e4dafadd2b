using System.Diagnostics.Metrics;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Telemetry;

/// <summary>The Worker's instruments on the <c>WorkQueues</c> meter.</summary>
public sealed class WorkerMetrics
{
    private static readonly KeyValuePair<string, object?> Queue = new("messaging.destination.name", TaskQueueTopology.QueueName);

    private readonly Counter<long> _completed = TaskTelemetry.Meter.CreateCounter<long>("workqueues.tasks.completed", "{task}", "Tasks done and acked");
    private readonly Counter<long> _failed = TaskTelemetry.Meter.CreateCounter<long>("workqueues.tasks.failed", "{task}", "Attempts that failed, by what happened next");
    private readonly Counter<long> _cancelled = TaskTelemetry.Meter.CreateCounter<long>("workqueues.tasks.cancelled", "{task}", "Tasks acked as cancelled, unrun or stopped");
    private readonly Counter<long> _redelivered = TaskTelemetry.Meter.CreateCounter<long>("workqueues.tasks.redelivered", "{task}", "Deliveries the broker flagged as redelivered");
    private readonly Histogram<double> _duration = TaskTelemetry.Meter.CreateHistogram<double>("workqueues.task.duration", "s", "Time from receiving a task to settling it");
    private readonly UpDownCounter<long> _inFlight = TaskTelemetry.Meter.CreateUpDownCounter<long>("workqueues.tasks.in_flight", "{task}", "Tasks being worked on");

    public WorkerMetrics(QueueDepthSampler queue)
    {
        TaskTelemetry.Meter.CreateObservableGauge("workqueues.queue.depth", () => new Measurement<long>(queue.Ready, Queue), "{message}", "Tasks waiting in task_queue (sampled)");
        TaskTelemetry.Meter.CreateObservableGauge("workqueues.queue.consumers", () => new Measurement<long>(queue.Consumers, Queue), "{consumer}", "Consumers of task_queue (sampled)");
    }

    public void Started(bool redelivered)
    {
        _inFlight.Add(1, Queue);
        if (redelivered)
        {
            _redelivered.Add(1, Queue);
        }
    }

    /// <param name="errorType">The <c>error.type</c> of a failure the Worker decided itself (<see cref="TaskFailures.TimedOutErrorType"/>).</param>
    public void Settled(TaskOutcome outcome, TimeSpan elapsed, string? errorType = null)
    {
        var tag = new KeyValuePair<string, object?>("workqueues.task.outcome", outcome.ToTagValue());
        _inFlight.Add(-1, Queue);
        _duration.Record(elapsed.TotalSeconds, Queue, tag);
        if (outcome == TaskOutcome.Completed)
        {
            _completed.Add(1, Queue);
        }
        else if (outcome == TaskOutcome.Cancelled)
        {
            _cancelled.Add(1, Queue);
        }
        else if (outcome.IsFailure())
        {
            _failed.Add(1, Queue, tag, new("error.type", errorType ?? "_OTHER"));
        }
    }
}
