namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>One AppHost for the whole collection: the default broker choice, on free ports.</summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    private WorkQueuesApp? _app;

    public WorkQueuesApp App => _app ?? throw new InvalidOperationException("Not started.");

    public int AmqpPort { get; } = FreePorts.Next();

    public int ManagementPort { get; } = FreePorts.Next();

    public BrokerManagementClient Management { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await WorkQueuesApp.StartAsync(
            $"Messaging:AmqpPort={AmqpPort}",
            $"Messaging:ManagementPort={ManagementPort}",
            // Retries a fifth of a second apart, so a poison task reaches the dead-letter queue in about three seconds.
            "Worker:RetryDelay=00:00:00.200");
        Management = new BrokerManagementClient(new Uri($"http://127.0.0.1:{ManagementPort}"), App.UserName, App.Password);

        // Both replicas consume before any test publishes, so fair dispatch has two workers to share among.
        await Eventually.HoldsAsync(
            async () => (await TryGetQueueAsync())?.Consumers == 2,
            TimeSpan.FromSeconds(90),
            "both worker replicas to consume task_queue");
    }

    private async Task<BrokerManagementClient.QueueState?> TryGetQueueAsync()
    {
        try
        {
            return await Management.GetQueueAsync();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        Management?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
