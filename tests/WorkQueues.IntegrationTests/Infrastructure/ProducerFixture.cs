namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// A broker of the tests' own and a Producer on it in Production with both API keys; tests that need other settings
/// start a <see cref="ProducerHost"/> of their own on the same broker.
/// </summary>
public sealed class ProducerFixture : IAsyncLifetime
{
    public StandaloneBroker Broker { get; } = new();

    public ProducerHost Producer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Broker.InitializeAsync();
        Producer = Start();
    }

    /// <summary>Starts a Producer on this fixture's broker; the caller disposes it.</summary>
    public ProducerHost Start(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Production", bool withKeys = true)
    {
        var host = new ProducerHost(Broker, settings, environment, withKeys);
        host.StartServer();
        return host;
    }

    /// <summary>How many messages wait in <paramref name="queue"/> at the broker.</summary>
    public async Task<uint> CountAsync(string queue = "task_queue")
    {
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    public async Task PurgeAsync(string queue = "task_queue")
    {
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueuePurgeAsync(queue);
    }

    public async Task DisposeAsync()
    {
        if (Producer is not null)
        {
            await Producer.DisposeAsync();
        }

        await Broker.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ProducerCollection : ICollectionFixture<ProducerFixture>
{
    public const string Name = "Producer in Production";
}
