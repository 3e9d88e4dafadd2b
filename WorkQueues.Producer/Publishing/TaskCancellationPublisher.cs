using System.Diagnostics;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Records a cancel on the <c>task_cancellations</c> stream, where every Worker (one started later included) reads
/// it, and returns only once the broker confirmed it, within <see cref="ProducerOptions.PublishTimeout"/>.
/// </summary>
public sealed class TaskCancellationPublisher(IConnection connection, IOptions<ProducerOptions> options, TimeProvider time) : IAsyncDisposable
{
    private readonly ConfirmedChannel _channel = new(connection, (channel, token) => TaskCancellation.DeclareStreamAsync(channel, token));

    public async Task<TaskCancellation> PublishAsync(string id, CancellationToken cancellationToken)
    {
        var cancel = new TaskCancellation(id, time.GetUtcNow());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            var properties = new BasicProperties
            {
                MessageId = TaskMessage.NewId(),
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(cancel.At.ToUnixTimeSeconds()),
            };
            // The Workers' receipt of the cancel joins the trace of the request that asked for it.
            MessageTraceContext.Of(Activity.Current)?.WriteTo(properties);
            await _channel.PublishAsync(string.Empty, TaskCancellation.StreamName, properties, cancel.ToJson(), timeout.Token);
            return cancel;
        }
        catch (Exception ex) when ((ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            || ex is PublishException or AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException or IOException)
        {
            throw new TaskPublishException("The broker did not confirm the cancel; it is not recorded.", transient: true, ex);
        }
    }

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
