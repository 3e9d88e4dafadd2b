using System.Net;
using System.Text;
using System.Text.Json;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// What successive runs of the AppHost process share, as a developer's runs do: the local broker's ports, its data
/// folder (a throwaway one), its epmd and its password. Each test starts and stops the AppHost itself.
/// </summary>
public sealed class AppHostProcessFixture : IAsyncLifetime
{
    public const string UserName = "workqueues";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    public int AmqpPort { get; } = FreePorts.Next();

    public int ManagementPort { get; } = FreePorts.Next();

    public int EpmdPort { get; } = FreePorts.Next();

    public string DataRoot { get; } = Directory.CreateTempSubdirectory("workqueues-data-").FullName;

    public string Password { get; } = Guid.NewGuid().ToString("N");

    public string DataFolder => Path.Combine(DataRoot, $"rabbitmq-{AmqpPort}");

    public BrokerManagementClient Management { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Management = new BrokerManagementClient(new Uri($"http://127.0.0.1:{ManagementPort}"), UserName, Password);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts the AppHost on the local broker with one worker, whose one-dot tasks take <paramref name="dot"/>, and
    /// returns once the Producer answers.
    /// </summary>
    public async Task<AppHostProcess> StartAsync(TimeSpan dot, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Messaging__Broker"] = "local",
            ["Messaging__AmqpPort"] = AmqpPort.ToString(),
            ["Messaging__ManagementPort"] = ManagementPort.ToString(),
            ["Messaging__EpmdPort"] = EpmdPort.ToString(),
            ["Messaging__DataRoot"] = DataRoot,
            ["Parameters__messaging-password"] = Password,
            ["Workers__Replicas"] = "1",
            ["Worker__DotDuration"] = dot.ToString("c"),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var app = AppHostProcess.Start(settings);
        try
        {
            var producer = await app.ProducerAsync(StartTimeout);
            using var http = new HttpClient { BaseAddress = producer, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.HoldsAsync(async () => (await http.GetAsync("/health")).IsSuccessStatusCode, StartTimeout, "the Producer to be healthy");
            return app;
        }
        catch (Exception ex)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"The AppHost did not start: {ex.Message}\n{app.Output}", ex);
        }
    }

    /// <summary>Posts the tasks as one batch, expects 202, and waits until the broker holds every one of them.</summary>
    public async Task AcceptAsync(AppHostProcess app, IReadOnlyList<string> tasks)
    {
        using var http = new HttpClient { BaseAddress = await app.ProducerAsync(StartTimeout) };
        using var response = await http.PostAsync("/tasks/batch", new StringContent(JsonSerializer.Serialize(tasks), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await Eventually.HoldsAsync(
            async () => await Management.GetQueueAsync() is var queue && queue.Ready + queue.Unacknowledged == tasks.Count,
            TimeSpan.FromSeconds(30),
            $"the broker to hold all {tasks.Count} accepted tasks");
    }

    /// <summary>Waits until every process <paramref name="app"/> started has exited, but the epmd Erlang leaves behind.</summary>
    public static Task WaitUntilGoneAsync(AppHostProcess app, TimeSpan timeout) =>
        Eventually.ReturnsAsync(
            () => Task.FromResult(string.Join(", ", app.Processes.Alive().Where(p => p.Name != "epmd"))),
            left => left.Length == 0,
            timeout,
            "every process the AppHost started to exit");

    public async Task DisposeAsync()
    {
        Management?.Dispose();
        await ErlangPortMapper.StopAsync(EpmdPort);
        Directory.Delete(DataRoot, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostProcessCollection : ICollectionFixture<AppHostProcessFixture>
{
    public const string Name = "AppHost process";
}
