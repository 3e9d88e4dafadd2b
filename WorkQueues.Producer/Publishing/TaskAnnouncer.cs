using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Tells every Producer replica of the tasks this one accepted: a <c>queued</c> or <c>scheduled</c> event per task
/// (attempt 0, no worker) on <c>task_events</c>, after the confirm, so any replica knows the id and its due time and
/// can answer a cancel of it. Off the request's path (<see cref="TaskEventSender"/>): the tasks accepted within
/// <see cref="FlushInterval"/> travel in one message, not one per request. Not confirmed: a lost announcement leaves
/// another replica's view short of a task until a worker reports on it, and loses no task. Each message names this
/// replica (<c>app_id</c>), so its own listener skips what its board already holds.
/// </summary>
public sealed partial class TaskAnnouncer : BackgroundService
{
    /// <summary>
    /// Short, so another replica knows a task about as soon as its client has the 202; long enough that single POSTs
    /// at thousands a second share messages (measured in docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    private readonly TaskEventSender _sender;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskAnnouncer> _logger;

    public TaskAnnouncer(IConnection connection, TimeProvider time, ILogger<TaskAnnouncer> logger)
    {
        _sender = new TaskEventSender(connection, FlushInterval, ReplicaId);
        _time = time;
        _logger = logger;
    }

    /// <summary>This replica, as its announcements name it.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N");

    public void Announce(IReadOnlyList<PublishedTask> tasks, string? traceId)
    {
        var now = _time.GetUtcNow();
        foreach (var task in tasks)
        {
            var state = task.DueAt is null ? TaskEvent.States.Queued : TaskEvent.States.Scheduled;
            _sender.Report(new TaskEvent(task.Id, state, string.Empty, 0, task.Dots, 0, null, now, traceId, null, task.DueAt));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _sender.RunAsync(LogNotAnnounced, stoppingToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not announce {Count} accepted tasks: {Reason}")]
    private partial void LogNotAnnounced(int count, string reason);
}
