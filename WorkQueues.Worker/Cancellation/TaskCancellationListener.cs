using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Cancellation;

/// <summary>
/// Follows the <c>task_cancellations</c> stream into <see cref="CancelledTasks"/>. At start it reads the stream from
/// <see cref="TaskCancellation.Retention"/> ago, so a Worker that starts after a cancel was made knows it; and it is
/// <see cref="CaughtUp"/> once it has read a marker of its own, published to the stream after it began to read: every
/// cancel made before then has been read by that time. The consumer does not take deliveries until then.
/// </summary>
public sealed partial class TaskCancellationListener(IConnection connection, CancelledTasks cancelled, TimeProvider time, ILogger<TaskCancellationListener> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>The <c>type</c> of the marker a starting Worker puts on the stream; not a cancel.</summary>
    public const string MarkerType = "workqueues.worker-started";

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private IChannel? _channel;

    /// <summary>Completes once every cancel made before this Worker started has been read.</summary>
    public Task CaughtUp => _caughtUp.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await TaskCancellation.DeclareStreamAsync(_channel, cancellationToken);
        // A stream consumer needs a prefetch and manual acks.
        await _channel.BasicQosAsync(0, 1_000, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        var from = time.GetUtcNow() - TaskCancellation.Retention;
        await _channel.BasicConsumeAsync(TaskCancellation.StreamName, autoAck: false, consumerTag: string.Empty, noLocal: false, exclusive: false,
            new Dictionary<string, object?> { ["x-stream-offset"] = new AmqpTimestamp(from.ToUnixTimeSeconds()) }, consumer, cancellationToken);

        await using var publisher = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await publisher.BasicPublishAsync(string.Empty, TaskCancellation.StreamName, mandatory: true,
            new BasicProperties { Type = MarkerType, MessageId = _marker, Timestamp = new AmqpTimestamp(time.GetUtcNow().ToUnixTimeSeconds()) },
            ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (delivery.BasicProperties.Type == MarkerType)
        {
            if (delivery.BasicProperties.MessageId == _marker && _caughtUp.TrySetResult())
            {
                LogCaughtUp(cancelled.Count);
            }
        }
        else if (TaskCancellation.FromJson(delivery.Body.Span) is { } cancel)
        {
            cancelled.Add(cancel);
        }

        await _channel!.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _channel is { IsOpen: true } ? _channel.CloseAsync(cancellationToken) : Task.CompletedTask;

    public ValueTask DisposeAsync() => _channel?.DisposeAsync() ?? ValueTask.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Read the task_cancellations stream: {Count} cancels remembered")]
    private partial void LogCaughtUp(int count);
}
