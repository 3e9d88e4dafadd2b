using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// One started AppHost shared by a test collection: the default broker choice on free ports (its epmd's too), with
/// a throwaway data folder, a management client, and both worker replicas consuming before any test runs.
/// </summary>
public abstract class WorkQueuesFixture(params string[] settings) : IAsyncLifetime
{
    private WorkQueuesApp? _app;

    public WorkQueuesApp App => _app ?? throw new InvalidOperationException("Not started.");

    public int AmqpPort { get; } = FreePorts.Next();

    public int ManagementPort { get; } = FreePorts.Next();

    public int EpmdPort { get; } = FreePorts.Next();

    /// <summary>Messaging:DataRoot: the local broker keeps its data across runs, so each fixture gets its own.</summary>
    public string DataRoot { get; } = Directory.CreateTempSubdirectory("workqueues-data-").FullName;

    public BrokerManagementClient Management { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await WorkQueuesApp.StartAsync(
        [
            $"Messaging:AmqpPort={AmqpPort}", $"Messaging:ManagementPort={ManagementPort}",
            $"Messaging:EpmdPort={EpmdPort}", $"Messaging:DataRoot={DataRoot}", .. settings,
        ]);
        Management = new BrokerManagementClient(new Uri($"http://127.0.0.1:{ManagementPort}"), App.UserName, App.Password);

        // Both replicas consume before any test publishes, so fair dispatch has two workers to share among.
        await WaitForConsumersAsync(2);
    }

    /// <summary>Waits for exactly <paramref name="count"/> consumers, as task_queue counts them now.</summary>
    public Task WaitForConsumersAsync(int count) =>
        Eventually.ReturnsAsync(
            () => TaskQueueConsumers.CountAsync(new ConnectionFactory { Uri = App.BrokerUri }),
            consumers => consumers == count,
            TimeSpan.FromSeconds(90),
            $"{count} consumers on task_queue");

    public async Task DisposeAsync()
    {
        Management?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        // The epmd the broker started on its own port, which Erlang would leave running.
        await ErlangPortMapper.StopAsync(EpmdPort);
        Directory.Delete(DataRoot, recursive: true);
    }
}
