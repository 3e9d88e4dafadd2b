using System.Threading.Channels;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Events;

/// <summary>
/// Sends task events to <c>task_events</c> off the work path: <see cref="Report"/> only enqueues. Events are sent in
/// batches, one message per <see cref="FlushInterval"/> at most, holding only the latest event of each task, so a
/// worker doing thousands of tasks a second adds a handful of messages, not two per task. When the buffer is full the
/// oldest event is dropped; a lost event never loses or delays a task. Events are not confirmed.
/// </summary>
public sealed partial class TaskEventPublisher(IConnection connection, ILogger<TaskEventPublisher> logger) : BackgroundService, ITaskEventSink
{
    /// <summary>How long events wait to travel together: short enough for a live view, long enough to batch.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private const int MaxBatch = 2_000;

    private readonly Channel<TaskEvent> _events = Channel.CreateBounded<TaskEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Report(TaskEvent taskEvent) => _events.Writer.TryWrite(taskEvent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new TaskEventBatch(MaxBatch);
        IChannel? channel = null;
        try
        {
            while (await _events.Reader.WaitToReadAsync(stoppingToken))
            {
                // The first event opens a batch; whatever else arrives within the interval joins it. Not cancelled by
                // a stop, so the events of the last tasks a stopping worker finished still go out.
                await Task.Delay(FlushInterval, CancellationToken.None);
                channel = await SendAsync(channel, batch, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            using var lastChance = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            channel = await SendAsync(channel, batch, lastChance.Token);
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    /// <summary>Sends every event waiting, a batch per message; returns the channel for the next time.</summary>
    private async Task<IChannel?> SendAsync(IChannel? channel, TaskEventBatch batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
            while (!batch.IsFull && _events.Reader.TryRead(out var taskEvent))
            {
                batch.Add(taskEvent);
            }

            if (batch.Events.Count == 0)
            {
                return channel;
            }

            try
            {
                if (channel is not { IsOpen: true })
                {
                    channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    await channel.DeclareEventsExchangeAsync(cancellationToken);
                }

                await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, TaskEvent.ToJson(batch.Events), cancellationToken);
            }
            catch (Exception ex)
            {
                // The broker is away (or the worker stops): these events are lost, later ones try again.
                LogDropped(batch.Events.Count, ex.Message);
                return channel;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} task events dropped: {Reason}")]
    private partial void LogDropped(int count, string reason);
}
