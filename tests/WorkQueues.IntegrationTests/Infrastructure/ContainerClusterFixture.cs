using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The AppHost on the container path with Messaging:Nodes=3: three containers of the test image under podman, each on
/// a data volume of the fixture's own (removed at the end). When podman or the image is missing, nothing starts and
/// <see cref="SkipReason"/> says why.
/// </summary>
public sealed class ContainerClusterFixture : IAsyncLifetime
{
    public const int Nodes = 3;

    private readonly string _volumePrefix = $"workqueues-test-cluster-{Guid.NewGuid():N}";
    private WorkQueuesApp? _app;

    public string? SkipReason { get; private set; }

    public WorkQueuesApp App => _app ?? throw new InvalidOperationException(SkipReason ?? "Not started.");

    public async Task InitializeAsync()
    {
        Podman.UseRepositoryConfiguration();
        (var image, SkipReason) = await ContainerPathFixture.FindTestImageAsync();
        if (SkipReason is not null)
        {
            return;
        }

        _app = await WorkQueuesApp.StartAsync(
            UseFixtureVolumes,
            "ASPIRE_CONTAINER_RUNTIME=podman",
            "Messaging:Broker=container",
            $"Messaging:Nodes={Nodes}",
            $"Messaging:ContainerImage={image}",
            // Given, so the test never writes a generated cookie into the user secrets (the other lane may write there).
            $"Parameters:messaging-cookie={Guid.NewGuid():N}");

        await using var connection = await new ConnectionFactory { Uri = App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Eventually.ReturnsAsync(() => channel.QueueDeclarePassiveAsync("task_queue"), queue => queue.ConsumerCount == 2, TimeSpan.FromSeconds(90), "both workers to consume");
    }

    /// <summary>The management API of node <paramref name="index"/> (1-based), through Aspire's proxy.</summary>
    public BrokerManagementClient Management(int index) =>
        new(App.App.GetEndpoint($"messaging-{index}", "management"), App.UserName, App.Password);

    private string Volume(int index) => $"{_volumePrefix}-{index}";

    private void UseFixtureVolumes(IDistributedApplicationTestingBuilder builder)
    {
        for (var index = 1; index <= Nodes; index++)
        {
            var node = builder.Resources.Single(r => r.Name == $"messaging-{index}");
            foreach (var data in node.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.Volume).ToList())
            {
                node.Annotations.Remove(data);
                node.Annotations.Add(new ContainerMountAnnotation(Volume(index), data.Target, ContainerMountType.Volume, isReadOnly: false));
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (SkipReason is null)
        {
            for (var index = 1; index <= Nodes; index++)
            {
                await Podman.RunAsync("volume", "rm", "-f", Volume(index));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerClusterCollection : ICollectionFixture<ContainerClusterFixture>
{
    public const string Name = "ContainerCluster";
}
