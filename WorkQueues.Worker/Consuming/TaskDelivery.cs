using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Consuming;

/// <summary>One delivery from <c>task_queue</c> as processing sees it: its own copy of the body, no channel attached.</summary>
public sealed record TaskDelivery(ulong DeliveryTag, bool Redelivered, IReadOnlyBasicProperties Properties, ReadOnlyMemory<byte> Body)
{
    /// <summary>The task's id, the message id; a foreign client may set none.</summary>
    public string? Id => Properties.MessageId;

    /// <summary>The attempt this delivery is: from our header, else the first.</summary>
    public int Attempt { get; init; } = AttemptOf(Properties, int.MaxValue);

    /// <summary>
    /// The client reuses a delivery's body once its handler returns: a task keeps a copy of its own. A foreign
    /// <c>x-attempt</c> header is clamped to 1..<paramref name="maxAttempts"/>.
    /// </summary>
    public static TaskDelivery CopyOf(BasicDeliverEventArgs delivery, int maxAttempts) =>
        new(delivery.DeliveryTag, delivery.Redelivered, delivery.BasicProperties, delivery.Body.ToArray())
        {
            Attempt = AttemptOf(delivery.BasicProperties, maxAttempts),
        };

    /// <summary>The <c>x-attempt</c> header within 1..<paramref name="maxAttempts"/>; 1 when absent or not a number.</summary>
    public static int AttemptOf(IReadOnlyBasicProperties properties, int maxAttempts)
    {
        var attempt = MessageHeaders.IntegerOf(properties, TaskQueueTopology.AttemptHeader) ?? 1;
        return (int)Math.Clamp(attempt, 1, Math.Max(1, maxAttempts));
    }
}
