using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Tells every Producer replica of the tasks this one accepted: one <c>queued</c> or <c>scheduled</c> event per task
/// (attempt 0, no worker) on <c>task_events</c>, a message per request (or per 2,000 tasks of a batch), after the
/// confirm. So any replica knows the id, its due time, and can answer a cancel of it. Not confirmed: a lost
/// announcement leaves another replica's view short of a task until a worker reports on it, and loses no task. Each
/// message names this replica (<c>app_id</c>), so its own listener skips what its board already holds.
/// </summary>
public sealed class TaskAnnouncer(IConnection connection, TimeProvider time, ILogger<TaskAnnouncer> logger) : IAsyncDisposable
{
    private const int MaxPerMessage = 2_000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    /// <summary>This replica, as its announcements name it.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N");

    public async Task AnnounceAsync(IReadOnlyList<PublishedTask> tasks, string? traceId)
    {
        var now = time.GetUtcNow();
        try
        {
            var channel = await GetChannelAsync();
            var properties = new BasicProperties { AppId = ReplicaId };
            foreach (var chunk in tasks.Chunk(MaxPerMessage))
            {
                var events = chunk.Select(task => new TaskEvent(
                    task.Id, task.DueAt is null ? TaskEvent.States.Queued : TaskEvent.States.Scheduled, string.Empty, 0, task.Dots, 0, null, now, traceId, null, task.DueAt));
                await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, mandatory: false, properties, TaskEvent.ToJson(events.ToArray()));
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug("Could not announce {Count} accepted tasks: {Reason}", tasks.Count, ex.Message);
        }
    }

    private async ValueTask<IChannel> GetChannelAsync()
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync();
        try
        {
            if (_channel is not { IsOpen: true })
            {
                _channel?.Dispose();
                _channel = await connection.CreateChannelAsync();
                await _channel.DeclareEventsExchangeAsync();
            }

            return _channel;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _gate.Dispose();
    }
}
