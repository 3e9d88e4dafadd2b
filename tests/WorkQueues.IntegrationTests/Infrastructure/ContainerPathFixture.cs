using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The AppHost on the container path, as a podman-only machine runs it: Messaging:Broker left at auto,
/// ASPIRE_CONTAINER_RUNTIME=podman, the repository's containers.conf, and the test image built from Debian packages
/// (tests/container-image). Its data volume is the fixture's own, removed at the end, never the developer's.
/// When podman or the image is missing, nothing starts and <see cref="SkipReason"/> says why.
/// </summary>
public sealed class ContainerPathFixture : IAsyncLifetime
{
    public const string DataFolder = "/var/lib/rabbitmq";

    // One password for every AppHost on this volume: the broker keeps the user it created first.
    private readonly string _password = Guid.NewGuid().ToString("N");
    private WorkQueuesApp? _app;

    public string? SkipReason { get; private set; }

    public string Image { get; private set; } = "";

    public string Volume { get; } = $"workqueues-test-{Guid.NewGuid():N}";

    public WorkQueuesApp App => _app ?? throw new InvalidOperationException(SkipReason ?? "Not started.");

    /// <summary>The management API, through Aspire's proxy (whose ports Aspire.Hosting.Testing randomises).</summary>
    public Uri ManagementUri { get; private set; } = null!;

    public BrokerManagementClient Management { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Podman.UseRepositoryConfiguration();
        SkipReason = await FindSkipReasonAsync();
        if (SkipReason is null)
        {
            await StartAsync();
        }
    }

    /// <summary>Stops this AppHost (its broker container goes with it) and starts a new one on the same data volume.</summary>
    public async Task RestartAppHostAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>The broker's container, found by the fixture's own data volume.</summary>
    public async Task<string> ContainerAsync()
    {
        var result = await Podman.RunAsync("ps", "--filter", $"volume={Volume}", "--format", "{{.Names}}");
        Assert.True(result.ExitCode == 0 && result.Line.Length > 0, $"no running container uses {Volume}: {result.Error}");
        return Assert.Single(result.Line.Split('\n'));
    }

    /// <summary>Stops or starts every worker replica through Aspire's own resource commands.</summary>
    public async Task RunWorkersAsync(bool run)
    {
        var command = run ? KnownResourceCommands.StartCommand : KnownResourceCommands.StopCommand;
        var result = await App.App.ResourceCommands.ExecuteCommandAsync(App.Resource("worker"), command);
        Assert.True(result.Success, result.Message);
        await WaitForTaskQueueAsync(queue => queue.ConsumerCount == (run ? 2u : 0u), run ? "both workers to consume" : "no worker to consume");
    }

    /// <summary>Waits on task_queue as AMQP reports it now (the management API's figures are seconds old).</summary>
    public async Task WaitForTaskQueueAsync(Func<QueueDeclareOk, bool> condition, string what)
    {
        await using var connection = await new ConnectionFactory { Uri = App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Eventually.ReturnsAsync(() => channel.QueueDeclarePassiveAsync("task_queue"), condition, TimeSpan.FromSeconds(90), what);
    }

    private async Task StartAsync()
    {
        _app = await WorkQueuesApp.StartAsync(
            UseFixtureVolume,
            "ASPIRE_CONTAINER_RUNTIME=podman",
            "Messaging:Broker=auto",
            $"Messaging:ContainerImage={Image}",
            $"Parameters:messaging-password={_password}");
        ManagementUri = App.App.GetEndpoint("messaging", "management");
        Management = new BrokerManagementClient(ManagementUri, App.UserName, App.Password);

        // Both replicas consume before any test publishes, so fair dispatch has two workers to share among.
        await WaitForTaskQueueAsync(queue => queue.ConsumerCount == 2, "both workers to consume");
    }

    private void UseFixtureVolume(IDistributedApplicationTestingBuilder builder)
    {
        // A container resource is what the auto choice must give here; a test says so if it did not.
        var broker = builder.Resources.Single(r => r.Name == "messaging");
        foreach (var data in broker.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Target == DataFolder).ToList())
        {
            broker.Annotations.Remove(data);
            broker.Annotations.Add(new ContainerMountAnnotation(Volume, DataFolder, ContainerMountType.Volume, isReadOnly: false));
        }
    }

    private async Task<string?> FindSkipReasonAsync()
    {
        (Image, var skipReason) = await FindTestImageAsync();
        return skipReason;
    }

    /// <summary>The test image's name, and why the container tests cannot run here (podman or the image missing), if so.</summary>
    public static async Task<(string Image, string? SkipReason)> FindTestImageAsync()
    {
        if (!ContainerRuntimeProbe.IsHealthy("podman", TimeSpan.FromSeconds(20)))
        {
            return ("", "podman is not installed or does not answer 'podman info' (test.sh installs it with apt-get).");
        }

        var name = await Podman.RunProcessAsync("bash", [Path.Combine(RepositoryFolder.Root(), "tests", "container-image", "build.sh"), "--name"]);
        if (name.ExitCode != 0 || (await Podman.RunAsync("image", "exists", name.Line)).ExitCode != 0)
        {
            return (name.Line, $"the test image {name.Line} is not built: run tests/container-image/build.sh (test.sh does). {name.Error}".Trim());
        }

        return (name.Line, null);
    }

    private async Task StopAsync()
    {
        Management?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        if (SkipReason is null)
        {
            // -f: also whatever container still holds it, should the AppHost have left one.
            await Podman.RunAsync("volume", "rm", "-f", Volume);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerPathCollection : ICollectionFixture<ContainerPathFixture>
{
    public const string Name = "ContainerPath";
}
