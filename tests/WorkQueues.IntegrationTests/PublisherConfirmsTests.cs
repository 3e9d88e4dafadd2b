using System.Collections.Concurrent;
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
    // Each publish is given this long: a confirm that never comes fails the test instead of hanging the run.
    private static CancellationToken Patience => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
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
            .Select(i => (Routed: i % 3 != 0, Publish: channel.PublishAsync(string.Empty, i % 3 != 0 ? _queue : $"{_queue}-missing", Properties(), TaskText.Encode($"task {i}"), Patience)))
            .ToList();
        await Task.WhenAll(publishes.Select(p => p.Publish).Select(async publish => { try { await publish; } catch (PublishException) { } }));

        Assert.All(publishes.Where(p => p.Routed), p => Assert.True(p.Publish.IsCompletedSuccessfully));
        Assert.All(publishes.Where(p => !p.Routed), p => Assert.Equal($"{_queue}-missing", Assert.IsType<PublishReturnException>(p.Publish.Exception!.InnerException).RoutingKey));
        Assert.Equal(2_000u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task Messages_published_together_settle_as_one_group_each_with_its_own_outcome_in_order()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);
        var messages = Enumerable.Range(0, 1_000)
            .Select(i => new OutgoingMessage(string.Empty, i % 3 != 0 ? _queue : $"{_queue}-missing", Properties(), TaskText.Encode($"task {i}")))
            .ToList();

        var confirms = new ConfirmGroup(messages.Count);
        await channel.SendAsync(messages, confirms, Patience);
        await confirms.Settled.WaitAsync(Patience);

        Assert.Equal(334, confirms.FailedCount);
        for (var i = 0; i < messages.Count; i++)
        {
            if (i % 3 == 0)
            {
                Assert.Equal($"{_queue}-missing", Assert.IsType<PublishReturnException>(confirms.FailureOf(i)).RoutingKey);
            }
            else
            {
                Assert.Null(confirms.FailureOf(i));
            }
        }

        var queued = new List<string>();
        while (await _admin.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            queued.Add(message.BasicProperties.MessageId!);
        }

        Assert.Equal(messages.Where((_, i) => i % 3 != 0).Select(m => m.Properties.MessageId), queued);
    }

    [Fact]
    public async Task A_group_whose_channel_the_broker_closes_part_way_settles_each_message_once_as_failed()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        // A connection of its own: RabbitMQ.Client can send a publish already under way after its close-ok, and the broker
        // then closes the whole connection (504 "expected 'channel.open'", rabbitmq-dotnet-client#1835), which would take
        // the admin channel with it. Either way every message must settle as failed.
        await using var connection = await broker.ConnectAsync();
        await using var channel = new ConfirmedChannel(connection);
        // The first goes to an exchange that does not exist: the broker closes the channel and drops what follows on it.
        // Enough follow that the close comes while some are still being sent, some tracked and some not.
        var messages = Enumerable.Range(0, 20_000)
            .Select(i => new OutgoingMessage(i == 0 ? $"{_queue}-no-exchange" : string.Empty, _queue, Properties(), TaskText.Encode($"task {i}")))
            .ToList();

        var confirms = new ConfirmGroup(messages.Count);
        await channel.SendAsync(messages, confirms, Patience);
        await confirms.Settled.WaitAsync(Patience);

        Assert.Equal(messages.Count, confirms.FailedCount);
        Assert.All(Enumerable.Range(0, messages.Count), i => Assert.IsAssignableFrom<OperationInterruptedException>(confirms.FailureOf(i)));
        Assert.Equal(0u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task A_message_the_broker_refuses_is_nacked_not_returned()
    {
        // A queue full at one message that rejects what comes after: the broker nacks those.
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "reject-publish" });
        await using var channel = new ConfirmedChannel(_connection);

        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("first"), Patience);
        var refused = await Assert.ThrowsAsync<PublishException>(() => channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("second"), Patience));

        Assert.False(refused.IsReturn);
    }

    [Fact]
    public async Task A_message_without_an_id_is_matched_by_its_sequence_number()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);
        var anonymous = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };

        var returned = channel.PublishAsync(string.Empty, $"{_queue}-missing", new BasicProperties(anonymous), TaskText.Encode("lost"), Patience);
        var routed = channel.PublishAsync(string.Empty, _queue, new BasicProperties(anonymous), TaskText.Encode("kept"), Patience);

        Assert.True((await Assert.ThrowsAsync<PublishReturnException>(() => returned)).IsReturn);
        await routed;
        Assert.Equal(1u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task Two_outstanding_with_one_id_are_told_apart_when_the_broker_returns_one()
    {
        // A Worker forwards copies with their task's id, so two can be outstanding at once: the first routed, the second
        // returned. Neither may take the other's outcome. The routed ones are transient, on a transient queue, so the
        // broker confirms them at once: with hundreds of pairs sent together, many a pair shares one multiple ack, which
        // settles the routed one first.
        await _admin.QueueDeclareAsync(_queue, durable: false, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);

        var pairs = Enumerable.Range(0, 500).Select(_ => TaskMessage.NewId()).Select(id =>
        {
            var transient = TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow);
            transient.DeliveryMode = DeliveryModes.Transient;
            return (Routed: channel.PublishAsync(string.Empty, _queue, transient, TaskText.Encode("kept"), Patience),
                Returned: channel.PublishAsync(string.Empty, $"{_queue}-missing", TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow), TaskText.Encode("lost"), Patience));
        }).ToList();
        await Task.WhenAll(pairs.SelectMany(p => new[] { p.Routed, p.Returned }).Select(async publish => { try { await publish; } catch (PublishException) { } }));

        Assert.All(pairs, p => Assert.True(p.Routed.IsCompletedSuccessfully, p.Routed.Exception?.Message));
        Assert.All(pairs, p => Assert.IsType<PublishReturnException>(p.Returned.Exception!.InnerException));
        Assert.Equal(500u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task Its_messages_carry_only_the_headers_they_were_given()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);

        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("plain"), Patience);
        // A copy of a message another publisher tracked keeps its own headers, not that publisher's sequence number.
        var copy = Properties();
        copy.Headers = new Dictionary<string, object?> { [Constants.PublishSequenceNumberHeader] = 7L, [TaskQueueTopology.AttemptHeader] = 2 };
        await channel.PublishAsync(string.Empty, _queue, copy, TaskText.Encode("copy"), Patience);

        var plain = await _admin.BasicGetAsync(_queue, autoAck: true);
        Assert.Null(plain!.BasicProperties.Headers);
        var copied = await _admin.BasicGetAsync(_queue, autoAck: true);
        Assert.Equal([TaskQueueTopology.AttemptHeader], copied!.BasicProperties.Headers!.Keys);
    }

    [Fact]
    public async Task A_publish_whose_channel_the_broker_closes_fails_and_the_next_one_opens_a_new_channel()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        await using var channel = new ConfirmedChannel(_connection);
        var first = await channel.GetAsync(CancellationToken.None);

        // Publishing to an exchange that does not exist is a channel error: the broker closes the channel.
        await Assert.ThrowsAsync<AlreadyClosedException>(() => channel.PublishAsync($"{_queue}-no-exchange", string.Empty, Properties(), TaskText.Encode("lost"), Patience));
        await channel.PublishAsync(string.Empty, _queue, Properties(), TaskText.Encode("kept"), Patience);

        Assert.NotSame(first, await channel.GetAsync(CancellationToken.None));
        Assert.Equal(1u, (await _admin.QueueDeclarePassiveAsync(_queue)).MessageCount);
    }

    [Fact]
    public async Task Across_a_connection_the_broker_closes_every_publish_ends_and_every_confirmed_one_is_queued()
    {
        await _admin.QueueDeclareAsync(_queue, durable: true, exclusive: false, autoDelete: false);
        var clientName = $"confirms-{Guid.NewGuid():N}";
        await using var connection = await broker.ConnectRecoveringAsync(clientName);
        using var management = broker.Management();
        var brokerName = await Eventually.ReturnsAsync(() => management.FindConnectionAsync(clientName), name => name is not null, TimeSpan.FromSeconds(30), "the connection listed");
        await using var channel = new ConfirmedChannel(connection);
        var confirmed = new ConcurrentBag<string>();
        var failed = 0;
        var closed = false;
        var confirmedAfterClose = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Sixteen publishers, each a publish every few ms, until 200 were confirmed after the close.
        var lanes = Enumerable.Range(0, 16).Select(async _ =>
        {
            while (Volatile.Read(ref confirmedAfterClose) < 200 && !deadline.IsCancellationRequested)
            {
                await Task.Delay(5);
                var id = TaskMessage.NewId();
                try
                {
                    await channel.PublishAsync(string.Empty, _queue, TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow), TaskText.Encode(id), Patience);
                    confirmed.Add(id);
                    if (Volatile.Read(ref closed))
                    {
                        Interlocked.Increment(ref confirmedAfterClose);
                    }
                }
                catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
                {
                    // Not confirmed: a caller would try again (the Producer does, with the same id).
                    Interlocked.Increment(ref failed);
                    await Task.Delay(50);
                }
            }
        }).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(confirmed.Count >= 300), TimeSpan.FromSeconds(30), "300 publishes confirmed");
        await management.CloseConnectionAsync(brokerName!);
        Volatile.Write(ref closed, true);
        await Task.WhenAll(lanes); // a publish left waiting fails with its Patience instead

        Assert.True(failed > 0, "no publish failed while the connection was closed");
        Assert.True(confirmedAfterClose > 0, "no publish was confirmed after the connection recovered");
        var queued = new HashSet<string>();
        while (await _admin.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            queued.Add(message.BasicProperties.MessageId!);
        }

        Assert.Empty(confirmed.Except(queued));
    }

    private static BasicProperties Properties() => TaskMessage.CreateProperties(TaskMessage.NewId(), DateTimeOffset.UtcNow);

    public async Task DisposeAsync()
    {
        await _admin.QueueDeleteAsync(_queue);
        await _admin.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
