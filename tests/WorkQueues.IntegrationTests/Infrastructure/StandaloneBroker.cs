using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Testing;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ server the tests start themselves, outside any AppHost, on free ports: the "someone else's broker"
/// of the external path, and a broker with no workers on it to inspect what the Producer sends.
/// </summary>
public class StandaloneBroker : IAsyncLifetime
{
    private LocalRabbitMQProcess? _server;

    private LocalRabbitMQProcess Server => _server ?? throw new InvalidOperationException("The standalone broker has not started.");

    public int AmqpPort => Server.AmqpPort;

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await StartServerAsync();

    protected virtual Task<LocalRabbitMQProcess> StartServerAsync() => LocalRabbitMQProcess.StartAsync("tester", TimeSpan.FromSeconds(60));

    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = Server.Uri }.CreateConnectionAsync();

    /// <summary>A connection named <paramref name="clientName"/> (to find it in the management API) that recovers as the services' do (BrokerEndpoints), sooner.</summary>
    public Task<IConnection> ConnectRecoveringAsync(string clientName) => new ConnectionFactory
    {
        Uri = Server.Uri,
        ClientProvidedName = clientName,
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromMilliseconds(500),
    }.CreateConnectionAsync();

    /// <summary>The broker's management API, as the user the clients connect as.</summary>
    public BrokerManagementClient Management() =>
        new(new Uri($"http://127.0.0.1:{Server.ManagementPort}"),
            Uri.UnescapeDataString(Server.Uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(Server.Uri.UserInfo.Split(':')[1]));

    /// <summary>Publishes a task as the Producer would (persistent, with an id, confirmed); returns its id.</summary>
    public static async Task<string> PublishTaskAsync(IConnection connection, string text)
    {
        var id = TaskMessage.NewId();
        await using var channel = new ConfirmedChannel(connection, (channel, token) => channel.DeclareTaskQueueAsync(cancellationToken: token));
        await channel.PublishAsync(string.Empty, TaskQueueTopology.QueueName, TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow), TaskText.Encode(text), CancellationToken.None);
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

/// <summary>
/// A standalone broker that closes a consumer's channel when a delivery stays unacked for 2 s (its consumer timeout),
/// checked every 250 ms rather than every minute, as RabbitMQ's own tests do.
/// </summary>
public sealed class ImpatientBroker : StandaloneBroker
{
    public static readonly TimeSpan ConsumerTimeout = TimeSpan.FromSeconds(2);

    protected override Task<LocalRabbitMQProcess> StartServerAsync() => LocalRabbitMQProcess.StartAsync(
        "tester", TimeSpan.FromSeconds(60),
        settings: [$"consumer_timeout = {ConsumerTimeout.TotalMilliseconds}"],
        advancedConfig: "[{rabbit, [{channel_tick_interval, 250}]}].\n");
}

[CollectionDefinition(Name)]
public sealed class StandaloneBrokerCollection : ICollectionFixture<StandaloneBroker>
{
    public const string Name = "Standalone broker";
}
