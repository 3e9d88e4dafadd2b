using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The confirms the services track themselves (PublisherConfirms, through ConfirmedChannel), against a real broker:
/// each publish ends as the broker decided for that message (acked, returned, nacked, or its channel closed), with
/// thousands outstanding at once, and the messages carry no header of RabbitMQ.Client's tracking.
/// </summary>
[Collection(StandaloneBrokerCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class PublisherConfirmsTests(StandaloneBroker broker) : IAsyncLifetime
{
    private readonly string _queue = $"confirms-{Guid.NewGuid():N}";
    private IConnection _connection = null!;
    private IChannel _admin = null!;

    public async Task InitializeAsync()
    {
        _connection = await broker.ConnectAsync();
        _admin = await _connection.CreateChannelAsync();
    }

    [Fact]
    public async Task Thousands_outstanding_at_once_each_end_as_the_broker_routed_them()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);

        // Every third to a queue that does not exist: the broker returns those, and acks the rest.
        var publishes = Enumerable.Range(0, 3_000)
            .Select(i => (Routed: i % 3 != 0, Publish: channel.PublishAsync(string.Empty, i % 3 != 0 ? _queue : $"{_queue}-missing", Properties(), TaskText.Encode($"task {i}"), CancellationToken.None)))
            .ToList();
        await Task.WhenAll(publishes.Select(p => p.Publish).Select(async publish => { try { await publish; } catch (PublishException) { } }));

        Assert.All(publishes.Where(p => p.Routed), p => Assert.True(p.Publish.IsCompletedSuccessfully));
        Assert.All(publishes.Where(p => !p.Routed), p => Assert.True(Assert.IsType<PublishException>(p.Publish.Exception!.InnerException).IsReturn));
        Assert.Equal(2_000u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task A_message_the_broker_refuses_is_nacked_not_returned()
    {
        // A queue full at one message that rejects what comes after: the broker nacks those.
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "reject-publish" });
        await using var channel = new ConfirmedChannel(_connection);

        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("first"), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<PublishException>(() => channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("second"), CancellationToken.None));

        Assert.False(refused.IsReturn);
    }

    [Fact]
    public async Task A_message_without_an_id_is_matched_by_its_sequence_number()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);
        var anonymous = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };

        var returned = channel.PublishAsync(string.Empty, $"{_queue}-missing", new BasicProperties(anonymous), TaskText.Encode("lost"), CancellationToken.None);
        var routed = channel.PublishAsync(string.Empty, _queue, new BasicProperties(anonymous), TaskText.Encode("kept"), CancellationToken.None);

        Assert.True((await Assert.ThrowsAsync<PublishException>(() => returned)).IsReturn);
        await routed;
        Assert.Equal(1u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task Its_messages_carry_only_the_headers_they_were_given()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);

        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("plain"), CancellationToken.None);

        var message = await _admin.BasicGetAsync(_queue, autoAck: true);
        Assert.NotNull(message);
        Assert.Null(message.BasicProperties.Headers);
    }

    [Fact]
    public async Task A_publish_whose_channel_the_broker_closes_fails_and_the_next_one_opens_a_new_channel()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);
        var first = await channel.GetAsync(CancellationToken.None);

        // Publishing to an exchange that does not exist is a channel error: the broker closes the channel.
        await Assert.ThrowsAsync<AlreadyClosedException>(() => channel.PublishAsync($"{_queue}-no-exchange", string.Empty, Properties(), TaskText.Encode("lost"), CancellationToken.None));
        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("kept"), CancellationToken.None);

        Assert.NotSame(first, await channel.GetAsync(CancellationToken.None));
        Assert.Equal(1u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    private static BasicProperties Properties() => TaskMessage.CreateProperties(TaskMessage.NewId(), DateTimeOffset.UtcNow);

    public async Task DisposeAsync()
    {
        await _admin.QueueDeleteAsync(_queue);
        await _admin.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
