using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>What the broker said when it returned a message (no queue took it), kept until the message's ack comes.</summary>
public readonly record struct ReturnedMessage(ushort ReplyCode, string ReplyText, string Exchange, string RoutingKey)
{
    public static ReturnedMessage Of(BasicReturnEventArgs e) => new(e.ReplyCode, e.ReplyText, e.Exchange, e.RoutingKey);

    /// <summary>The failure of the publish it returned, as RabbitMQ.Client's tracking reports it.</summary>
    public PublishReturnException ToException(ulong sequence) => new(
        sequence,
        $"The broker returned the message: {ReplyCode} {ReplyText}, exchange '{Exchange}', routing key '{RoutingKey}'.",
        Exchange,
        RoutingKey,
        ReplyCode,
        ReplyText);
}
