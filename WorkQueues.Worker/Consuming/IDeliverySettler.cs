namespace WorkQueues.Worker.Consuming;

/// <summary>Settles deliveries on the channel they came from (<see cref="ChannelSettler"/>).</summary>
public interface IDeliverySettler
{
    /// <summary>The broker may forget the delivery: the task is done or safely elsewhere.</summary>
    Task AckAsync(ulong deliveryTag);

    /// <summary>The delivery goes back to <c>task_queue</c> for any worker to take.</summary>
    Task RequeueAsync(ulong deliveryTag);
}
