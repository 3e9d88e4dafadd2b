using System.Diagnostics.Metrics;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>The Producer's instruments on the <c>WorkQueues</c> meter.</summary>
public sealed class ProducerMetrics
{
    private static readonly KeyValuePair<string, object?> Queue = new("messaging.destination.name", TaskQueueTopology.QueueName);

    private readonly Counter<long> _published =
        TaskTelemetry.Meter.CreateCounter<long>("workqueues.tasks.published", "{task}", "Tasks the broker confirmed");

    public void TasksPublished(int count)
    {
        if (count > 0)
        {
            _published.Add(count, Queue);
        }
    }
}
