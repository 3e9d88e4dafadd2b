using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Testing;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ server the tests start themselves, outside any AppHost, on free ports: the "someone else's broker"
/// of the external path, and a broker with no workers on it to inspect what the Producer sends.
/// </summary>
public sealed class StandaloneBroker : IAsyncLifetime
{
    private LocalRabbitMQProcess? _server;

    private LocalRabbitMQProcess Server => _server ?? throw new InvalidOperationException("The standalone broker has not started.");

    public int AmqpPort => Server.AmqpPort;

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() =>
        _server = await LocalRabbitMQProcess.StartAsync("tester", TimeSpan.FromSeconds(60));

    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = Server.Uri }.CreateConnectionAsync();

    /// <summary>Publishes a task as the Producer would (persistent, with an id, confirmed); returns its id.</summary>
    public static async Task<string> PublishTaskAsync(IConnection connection, string text)
    {
        var id = TaskMessage.NewId();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.DeclareTaskQueueAsync();
        await channel.BasicPublishAsync(string.Empty, TaskQueueTopology.QueueName, mandatory: true, TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow), TaskText.Encode(text));
        return id;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StandaloneBrokerCollection : ICollectionFixture<StandaloneBroker>
{
    public const string Name = "Standalone broker";
}
