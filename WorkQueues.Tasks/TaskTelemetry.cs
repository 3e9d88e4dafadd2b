using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WorkQueues.Tasks;

/// <summary>
/// WorkQueues' own spans and instruments. Span attributes follow the OpenTelemetry messaging semantic conventions,
/// so the dashboard shows them beside RabbitMQ.Client's <c>deliver</c> spans.
/// </summary>
public static class TaskTelemetry
{
    /// <summary>The activity source and meter name: the one constant ServiceDefaults listens to and the services report on.</summary>
    public const string Name = "WorkQueues";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public const string SendSpanName = "send " + TaskQueueTopology.QueueName;
    public const string ProcessSpanName = "process task";

    /// <summary>Starts a span with the messaging attributes every task span carries; its queue is <c>task_queue</c> unless given.</summary>
    public static Activity? StartTaskActivity(
        string name, ActivityKind kind, string operationType, string operationName, string? messageId, string destination = TaskQueueTopology.QueueName)
    {
        var activity = Source.StartActivity(name, kind);
        activity?
            .SetTag("messaging.system", "rabbitmq")
            .SetTag("messaging.destination.name", destination)
            .SetTag("messaging.operation.type", operationType)
            .SetTag("messaging.operation.name", operationName)
            .SetTag("messaging.message.id", messageId);
        return activity;
    }

    /// <summary>Marks a span failed, with the exception recorded as an event.</summary>
    public static void RecordFailure(this Activity? activity, Exception exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.AddException(exception);
    }
}
