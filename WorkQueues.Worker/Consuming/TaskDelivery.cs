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
    public int Attempt { get; } =
        Properties.Headers?.TryGetValue(TaskQueueTopology.AttemptHeader, out var value) == true
            ? value switch { int i => i, long l => (int)l, byte b => b, short s => s, _ => 1 }
            : 1;

    /// <summary>The client reuses a delivery's body once its handler returns: a task keeps a copy of its own.</summary>
    public static TaskDelivery CopyOf(BasicDeliverEventArgs delivery) =>
        new(delivery.DeliveryTag, delivery.Redelivered, delivery.BasicProperties, delivery.Body.ToArray());
}
