using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>
/// The baseline consumer: the least a RabbitMQ.Client 7 program does to take tasks with manual acks at a prefetch,
/// one connection per consumer as each Worker replica has its own.
/// </summary>
public sealed class BaselineConsumers : IAsyncDisposable
{
    private readonly List<IConnection> _connections = [];

    public static async Task<BaselineConsumers> StartAsync(BenchBroker broker, int consumers, ushort prefetch)
    {
        var started = new BaselineConsumers();
        for (var i = 0; i < consumers; i++)
        {
            var connection = await broker.ConnectAsync($"bench-baseline-consumer-{i}");
            started._connections.Add(connection);
            var channel = await connection.CreateChannelAsync();
            await channel.BasicQosAsync(0, prefetch, global: false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).AsTask();
            await channel.BasicConsumeAsync(TaskQueueTopology.QueueName, autoAck: false, consumer);
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.CloseAsync();
            await connection.DisposeAsync();
        }
    }
}
