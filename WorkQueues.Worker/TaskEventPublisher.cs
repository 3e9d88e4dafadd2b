using System.Threading.Channels;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>
/// Sends task events to <c>task_events</c> off the work path: <see cref="Report"/> only enqueues, and when the
/// buffer is full the oldest event is dropped. A lost event never loses or delays a task; events are not confirmed.
/// </summary>
public sealed partial class TaskEventPublisher(IConnection connection, ILogger<TaskEventPublisher> logger) : BackgroundService
{
    private readonly Channel<TaskEvent> _events = Channel.CreateBounded<TaskEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Report(TaskEvent taskEvent) => _events.Writer.TryWrite(taskEvent);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IChannel? channel = null;
        try
        {
            await foreach (var taskEvent in _events.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (channel is not { IsOpen: true })
                    {
                        channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                        await channel.DeclareEventsExchangeAsync(stoppingToken);
                    }

                    await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, taskEvent.ToJson(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDropped(taskEvent.State, taskEvent.Id, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task event {State} of {TaskId} dropped: {Reason}")]
    private partial void LogDropped(string state, string taskId, string reason);
}
