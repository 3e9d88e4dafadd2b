using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The broker's firehose on the default vhost while this lives: a copy of every message published to the default
/// exchange, routable or not, as the broker received it, in an exclusive queue. What a client put on the wire.
/// </summary>
public sealed class PublishFirehose : IAsyncDisposable
{
    private readonly BrokerManagementClient _management;
    private readonly IChannel _channel;
    private readonly string _queue;

    private PublishFirehose(BrokerManagementClient management, IChannel channel, string queue) =>
        (_management, _channel, _queue) = (management, channel, queue);

    /// <param name="channel">A channel the firehose's queue lives on (it goes with the channel's connection).</param>
    public static async Task<PublishFirehose> StartAsync(BrokerManagementClient management, IChannel channel)
    {
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
        // The firehose keys a publish "publish." and its exchange's name: the default exchange's is empty.
        await channel.QueueBindAsync(queue, "amq.rabbitmq.trace", "publish.");
        await management.SetTracingAsync(true);
        return new PublishFirehose(management, channel, queue);
    }

    public async Task<uint> CountAsync() => (await _channel.QueueDeclarePassiveAsync(_queue)).MessageCount;

    /// <summary>The body of every copy so far, in the order the broker received the publishes, taken off the queue.</summary>
    public async Task<IReadOnlyList<string>> TakeAllAsync()
    {
        var bodies = new List<string>();
        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } copy)
        {
            bodies.Add(Encoding.UTF8.GetString(copy.Body.Span));
        }

        return bodies;
    }

    public async ValueTask DisposeAsync() => await _management.SetTracingAsync(false);
}
