using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using WorkQueues.AppHost;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.Testing;

/// <summary>
/// A local rabbitmq-server run as a plain child process on free ports (its epmd's too), in a throwaway
/// <see cref="LocalRabbitMQDataFolder"/>, outside any AppHost: the broker the integration tests start for the external
/// path and the benchmark's. Disposing it stops the broker and its epmd and deletes the folder.
/// </summary>
public sealed class LocalRabbitMQProcess : IAsyncDisposable
{
    private readonly Process _server;
    private readonly string _dataRoot;
    private readonly int _epmdPort;
    private readonly StringBuilder _output = new();

    private LocalRabbitMQProcess(Process server, string dataRoot, int epmdPort, string connectionString, int amqpPort, int managementPort)
    {
        ManagementPort = managementPort;
        _server = server;
        _dataRoot = dataRoot;
        _epmdPort = epmdPort;
        ConnectionString = connectionString;
        AmqpPort = amqpPort;
    }

    /// <summary>The AMQP URI, password included: hand it to clients, never print it.</summary>
    public string ConnectionString { get; }

    public Uri Uri => new(ConnectionString);

    /// <summary>The started <c>rabbitmq-server</c> script's process; the broker (<c>beam.smp</c>) runs under it.</summary>
    public int ProcessId => _server.Id;

    public int AmqpPort { get; }

    public int ManagementPort { get; }

    /// <summary>Starts the server and returns once it accepts an AMQP connection.</summary>
    /// <param name="settings">rabbitmq.conf lines after the AppHost's own (a later key wins).</param>
    /// <param name="advancedConfig">advanced.config, for settings rabbitmq.conf has no key for.</param>
    public static Task<LocalRabbitMQProcess> StartAsync(
        string userName, TimeSpan timeout, int? amqpPort = null, IEnumerable<string>? settings = null, string? advancedConfig = null)
    {
        var port = amqpPort ?? FreePorts.Next();
        var dataRoot = Directory.CreateTempSubdirectory("workqueues-broker-").FullName;
        return StartAsync(LocalRabbitMQDataFolder.Open(dataRoot, port), dataRoot, userName, Guid.NewGuid().ToString("N"), port, FreePorts.Next(), settings, null, timeout, advancedConfig);
    }

    /// <summary>
    /// Starts one node of a cluster (<see cref="LocalRabbitMQCluster"/>) on its own folder in <paramref name="dataRoot"/>,
    /// with the cluster's settings, cookie and epmd, and returns once it accepts an AMQP connection (it has joined by then).
    /// </summary>
    public static Task<LocalRabbitMQProcess> StartClusterNodeAsync(
        LocalRabbitMQDataFolder folder, string dataRoot, string userName, string password, int amqpPort, int epmdPort,
        IEnumerable<string> clusterSettings, string cookie, TimeSpan timeout) =>
        StartAsync(folder, dataRoot, userName, password, amqpPort, epmdPort, clusterSettings, cookie, timeout);

    private static async Task<LocalRabbitMQProcess> StartAsync(
        LocalRabbitMQDataFolder folder, string dataRoot, string userName, string password, int port, int epmdPort,
        IEnumerable<string>? clusterSettings, string? cookie, TimeSpan timeout, string? advancedConfig = null)
    {
        var settings = new MessagingSettings();
        if (!File.Exists(settings.ServerPath))
        {
            throw new BrokerUnavailableException($"{settings.ServerPath} is missing: install it (sudo apt-get install -y rabbitmq-server).");
        }

        var managementPort = FreePorts.Next();
        await folder.WriteConfigurationAsync(userName, password, managementPort, MessagingSettings.Loopback, epmdPort, CancellationToken.None, clusterSettings);
        if (advancedConfig is not null)
        {
            await File.WriteAllTextAsync(folder.AdvancedConfigFile, advancedConfig);
        }
        if (cookie is not null)
        {
            await folder.WriteCookieAsync(cookie, CancellationToken.None);
        }

        var start = new ProcessStartInfo(settings.ServerPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in folder.ServerEnvironment(port, MessagingSettings.Loopback, epmdPort))
        {
            start.Environment[key] = value;
        }

        start.Environment[LocalRabbitMQDataFolder.DistributionPortVariable] = FreePorts.Next().ToString();

        var started = new LocalRabbitMQProcess(Process.Start(start)!, dataRoot, epmdPort, $"amqp://{userName}:{password}@localhost:{port}", port, managementPort);
        started._server.OutputDataReceived += (_, line) => started.Keep(line.Data);
        started._server.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        started._server.BeginOutputReadLine();
        started._server.BeginErrorReadLine();

        try
        {
            await started.WaitUntilConnectableAsync(timeout);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilConnectableAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_server.HasExited)
            {
                throw new BrokerUnavailableException($"rabbitmq-server exited with code {_server.ExitCode}:\n{Output}");
            }

            try
            {
                await (await new ConnectionFactory { Uri = Uri }.CreateConnectionAsync()).DisposeAsync();
                return;
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(200);
            }
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Keep(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Stops the node with SIGTERM (it shuts down cleanly), then its epmd, and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await ProcessStopper.StopAsync(_server, TimeSpan.FromSeconds(30));
        _server.Dispose();
        await ErlangPortMapper.StopAsync(_epmdPort);
        Directory.Delete(_dataRoot, recursive: true);
    }
}
