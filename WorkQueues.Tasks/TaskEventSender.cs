using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// Sends task events to <c>task_events</c> off the caller's path: <see cref="Report"/> only enqueues. Events travel in
/// batches, a message per <c>flushInterval</c> at most, holding only the latest event of each task (<see cref="TaskEventBatch"/>),
/// so thousands of events a second add a handful of messages. When the buffer is full the oldest event is dropped; a
/// lost event never loses or delays a task. Events are not confirmed. The Workers send their tasks' progress with it,
/// and a Producer the tasks it accepted, named by <c>appId</c> so that its own listener can skip them.
/// </summary>
public sealed class TaskEventSender(IConnection connection, TimeSpan flushInterval, string? appId = null)
{
    private const int MaxBatch = 2_000;

    private readonly Channel<TaskEvent> _events = Channel.CreateBounded<TaskEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly BasicProperties _properties = EventProperties(appId);

    // One buffer for every message, written by the one sending loop: a batch's JSON (up to ~0.5 MB) would otherwise be
    // a new large-object-heap array per message, which only a full collection frees (measured: Producer peak 118–121 MB
    // without it, 110 MB with it).
    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);

    /// <summary>The same for every message. Untraced: a batch of events is no task's, and would be a trace of its own.</summary>
    private static BasicProperties EventProperties(string? appId)
    {
        var properties = new BasicProperties { AppId = appId };
        MessageTraceContext.Untraced.WriteTo(properties);
        return properties;
    }

    /// <summary>Takes an event without waiting.</summary>
    public void Report(TaskEvent taskEvent) => _events.Writer.TryWrite(taskEvent);

    /// <summary>
    /// Sends events until <paramref name="stoppingToken"/> fires, then those left within two seconds.
    /// <paramref name="dropped"/> hears of each batch that could not be sent (how many events, and why).
    /// </summary>
    public async Task RunAsync(Action<int, string> dropped, CancellationToken stoppingToken)
    {
        var batch = new TaskEventBatch(MaxBatch);
        IChannel? channel = null;
        try
        {
            while (await _events.Reader.WaitToReadAsync(stoppingToken))
            {
                // The first event opens a batch; whatever else arrives within the interval joins it. Not cancelled by
                // a stop, so the events of the last tasks before a stop still go out.
                await Task.Delay(flushInterval, CancellationToken.None);
                channel = await SendAsync(channel, batch, dropped, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            using var lastChance = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            channel = await SendAsync(channel, batch, dropped, lastChance.Token);
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
    private async Task<IChannel?> SendAsync(IChannel? channel, TaskEventBatch batch, Action<int, string> dropped, CancellationToken cancellationToken)
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
                    if (channel is not null)
                    {
                        await channel.DisposeAsync();
                    }

                    channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                    await channel.DeclareEventsExchangeAsync(cancellationToken);
                }

                _json.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(_json))
                {
                    TaskEvent.WriteJson(writer, batch.Events);
                }

                // The client copies the body into its frame before the call completes, so the buffer is free again after it.
                await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, mandatory: false, _properties, _json.WrittenMemory, cancellationToken);
            }
            catch (Exception ex)
            {
                // The broker is away (or the service stops): these events are lost, later ones try again.
                dropped(batch.Events.Count, ex.Message);
                return channel;
            }
        }
    }
}
