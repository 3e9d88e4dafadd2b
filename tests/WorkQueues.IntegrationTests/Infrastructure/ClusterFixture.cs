using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// One AppHost with a three-node local cluster (Messaging:Nodes=3) for the cluster collection: nodes on three
/// consecutive free ports, a throwaway data root, 10 ms dots so thousands of tasks pass quickly, and a short publish
/// timeout so a request stuck on a lost node shows.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const int Nodes = 3;

    private WorkQueuesApp? _app;

    public WorkQueuesApp App => _app ?? throw new InvalidOperationException("Not started.");

    public int AmqpPort { get; } = FreePorts.Run(Nodes);

    public int ManagementPort { get; } = FreePorts.Run(Nodes);

    public int EpmdPort { get; } = FreePorts.Next();

    public TimeSpan PublishTimeout { get; } = TimeSpan.FromSeconds(5);

    public string DataRoot { get; } = Directory.CreateTempSubdirectory("workqueues-cluster-").FullName;

    /// <summary>How long the AppHost took to start with every node healthy and both workers consuming.</summary>
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        _app = await WorkQueuesApp.StartAsync(
        [
            "Messaging:Broker=local", $"Messaging:Nodes={Nodes}",
            $"Messaging:AmqpPort={AmqpPort}", $"Messaging:ManagementPort={ManagementPort}",
            $"Messaging:EpmdPort={EpmdPort}", $"Messaging:DataRoot={DataRoot}",
            $"Producer:PublishTimeout={PublishTimeout}", "Worker:DotDuration=00:00:00.010",
            // The chaos test reads each task's " [x] Done" line as evidence of its work, however many finish a second.
            "Worker:DoneLog=EveryTask",
        ]);
        await WaitForConsumersAsync(2);

        StartupTime = clock.Elapsed;
    }

    /// <summary>What each node says of the cluster and task_queue, and what the workers logged: why a check went wrong.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        for (var index = 1; index <= Nodes; index++)
        {
            foreach (var path in new[] { "/api/nodes?columns=name,running", "/api/queues/%2F/task_queue" })
            {
                try
                {
                    using var management = Management(index);
                    using var response = await management.GetAsync(path);
                    text.AppendLine($"node {index} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException ex)
                {
                    text.AppendLine($"node {index} {path}: {ex.Message}");
                }
            }
        }

        foreach (var resource in new[] { "messaging", "worker" })
        {
            try
            {
                text.AppendLine($"{resource} console log:").AppendLine(await App.ConsoleLogAsync(resource));
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                text.AppendLine($"{resource} console log: {ex.Message}");
            }
        }

        return text.ToString();
    }

    /// <summary>The management API of node <paramref name="index"/> (1-based).</summary>
    public BrokerManagementClient Management(int index) =>
        new(new Uri($"http://127.0.0.1:{ManagementPort + index - 1}"), App.UserName, App.Password);

    /// <summary>A node's name, as RabbitMQ spells it: <c>workqueues-{port}-{index}@localhost</c>.</summary>
    public string NodeName(int index) => $"workqueues-{AmqpPort}-{index}@localhost";

    /// <summary>The broker process of node <paramref name="index"/>, from the pid file in its data folder.</summary>
    public int NodePid(int index) =>
        int.Parse(File.ReadAllText(Path.Combine(DataRoot, $"rabbitmq-{AmqpPort}-node{index}", "rabbitmq.pid")).Trim());

    /// <summary>The leader and members of a quorum queue, asked of the first node in <paramref name="askOrder"/> that answers.</summary>
    public async Task<(string Type, string? Leader, IReadOnlyList<string> Members, IReadOnlyList<string> Online)> QueueAsync(string queue, params int[] askOrder)
    {
        foreach (var index in askOrder.Length > 0 ? askOrder : Enumerable.Range(1, Nodes).ToArray())
        {
            try
            {
                using var management = Management(index);
                using var response = await management.GetAsync($"/api/queues/%2F/{queue}");
                response.EnsureSuccessStatusCode();
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var root = document.RootElement;
                return (
                    root.GetProperty("type").GetString()!,
                    root.TryGetProperty("leader", out var leader) ? leader.GetString() : null,
                    root.TryGetProperty("members", out var members) ? members.EnumerateArray().Select(m => m.GetString()!).ToList() : [],
                    root.TryGetProperty("online", out var online) ? online.EnumerateArray().Select(m => m.GetString()!).ToList() : []);
            }
            catch (HttpRequestException)
            {
                // That node is down; ask the next.
            }
        }

        throw new HttpRequestException("No node answered.");
    }

    /// <summary>The name of the connections <see cref="ConsumerCountAsync"/> opens, one per count.</summary>
    public const string ConnectionName = "cluster-fixture";

    /// <summary>
    /// The consumers on task_queue as the queue itself counts them, asked of any node that answers. The management
    /// API's count also keeps for a while the consumers of a killed node.
    /// </summary>
    public Task<uint> ConsumerCountAsync() =>
        TaskQueueConsumers.CountAsync(
            new ConnectionFactory { UserName = App.UserName, Password = App.Password, ClientProvidedName = ConnectionName },
            Enumerable.Range(0, Nodes).Select(offset => new AmqpTcpEndpoint("127.0.0.1", AmqpPort + offset)).ToList());

    /// <summary>Waits for exactly <paramref name="count"/> consumers; a timeout says what each node and worker said.</summary>
    public async Task WaitForConsumersAsync(uint count, TimeSpan? timeout = null)
    {
        try
        {
            await Eventually.ReturnsAsync(ConsumerCountAsync, consumers => consumers == count, timeout ?? TimeSpan.FromSeconds(90), $"{count} consumers on task_queue");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{System.Environment.NewLine}{await DescribeAsync()}", ex);
        }
    }

    /// <summary>The HTTP base address of each Worker replica of this AppHost, read from the processes' environment.</summary>
    public IReadOnlyList<Uri> WorkerUrls() =>
        Process.GetProcessesByName("WorkQueues.Worker")
            .Select(p => Environment(p.Id))
            .Where(env => env.Contains($"Messaging__Endpoints=localhost:{AmqpPort},", StringComparison.Ordinal))
            .Select(env => env.Split('\n').First(line => line.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal)))
            .Select(line => new Uri(line["ASPNETCORE_URLS=".Length..].Split(';')[0].Replace("localhost", "127.0.0.1", StringComparison.Ordinal)))
            .ToList();

    private static string Environment(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Replace('\0', '\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await ErlangPortMapper.StopAsync(EpmdPort);
        Directory.Delete(DataRoot, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
