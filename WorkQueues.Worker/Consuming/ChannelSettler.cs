using RabbitMQ.Client;

namespace WorkQueues.Worker.Consuming;

/// <summary>Acks and nacks on the consumer's channel.</summary>
public sealed class ChannelSettler(IChannel channel) : IDeliverySettler
{
    public Task AckAsync(ulong deliveryTag) => channel.BasicAckAsync(deliveryTag, multiple: false).AsTask();

    public Task RequeueAsync(ulong deliveryTag) => channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true).AsTask();
}
