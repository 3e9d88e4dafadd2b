using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Status;

/// <summary>
/// Feeds the <see cref="TaskBoard"/> with the workers' events, through a queue of this replica's own (server-named,
/// exclusive) bound to the <c>task_events</c> fanout, so every Producer replica sees every event: but its own
/// announcements, which its board got as it published.
/// </summary>
public sealed class TaskEventListener(IConnection connection, TaskBoard board, TaskAnnouncer announcer) : IHostedService, IAsyncDisposable
{
    private IChannel? _channel;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await _channel.DeclareEventsExchangeAsync(cancellationToken);
        var queue = await _channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await _channel.QueueBindAsync(queue.QueueName, TaskQueueTopology.EventsExchangeName, string.Empty, cancellationToken: cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (delivery.BasicProperties.AppId == announcer.ReplicaId)
            {
                return Task.CompletedTask;
            }

            foreach (var taskEvent in TaskEvent.FromJson(delivery.Body.Span))
            {
                board.Apply(taskEvent);
            }

            return Task.CompletedTask;
        };
        // Auto-ack: an event lost with this replica is a view going stale, not a task lost.
        await _channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_channel is null)
        {
            return;
        }

        try
        {
            await _channel.CloseAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Seen in RabbitMQ.Client 7.2 when a host stops: the close races the client's own shutdown handling and
            // throws while it forgets the channel's consumers. The channel is closed either way, which is all stop wants.
        }
    }

    public ValueTask DisposeAsync() => _channel?.DisposeAsync() ?? ValueTask.CompletedTask;
}
