using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Events;

/// <summary>
/// Sends this Worker's task events to <c>task_events</c> off the work path (<see cref="TaskEventSender"/>): a message per
/// <see cref="FlushInterval"/> at most, so a worker doing thousands of tasks a second adds a handful of messages, not
/// two per task.
/// </summary>
public sealed partial class TaskEventPublisher(IConnection connection, ILogger<TaskEventPublisher> logger) : BackgroundService, ITaskEventSink
{
    /// <summary>How long events wait to travel together: short enough for a live view, long enough to batch.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly TaskEventSender _sender = new(connection, FlushInterval);

    public void Report(TaskEvent taskEvent) => _sender.Report(taskEvent);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _sender.RunAsync(LogDropped, stoppingToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} task events dropped: {Reason}")]
    private partial void LogDropped(int count, string reason);
}
