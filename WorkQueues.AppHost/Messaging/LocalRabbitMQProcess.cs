using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// A local rabbitmq-server run as a plain child process on free ports, in a <see cref="LocalRabbitMQRunFolder"/> of
/// its own, outside any AppHost: the broker the integration tests start for the external path and the benchmark's.
/// </summary>
public sealed class LocalRabbitMQProcess : IAsyncDisposable
{
    private readonly Process _server;
    private readonly LocalRabbitMQRunFolder _folder;
    private readonly StringBuilder _output = new();

    private LocalRabbitMQProcess(Process server, LocalRabbitMQRunFolder folder, string connectionString, int amqpPort)
    {
        _server = server;
        _folder = folder;
        ConnectionString = connectionString;
        AmqpPort = amqpPort;
    }

    /// <summary>The AMQP URI, password included: hand it to clients, never print it.</summary>
    public string ConnectionString { get; }

    public Uri Uri => new(ConnectionString);

    public int AmqpPort { get; }

    /// <summary>Starts the server and returns once it accepts an AMQP connection.</summary>
    public static async Task<LocalRabbitMQProcess> StartAsync(string dataRoot, string userName, TimeSpan timeout, int? amqpPort = null)
    {
        var settings = new MessagingSettings();
        if (!File.Exists(settings.ServerPath))
        {
            throw new BrokerUnavailableException($"{settings.ServerPath} is missing: install it (sudo apt-get install -y rabbitmq-server).");
        }

        var port = amqpPort ?? FreePort();
        var password = Guid.NewGuid().ToString("N");
        var folder = LocalRabbitMQRunFolder.Create(dataRoot, port);
        await folder.WriteConfigurationAsync(userName, password, FreePort(), CancellationToken.None);

        var start = new ProcessStartInfo(settings.ServerPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in folder.ServerEnvironment(port, FreePort()))
        {
            start.Environment[key] = value;
        }

        var started = new LocalRabbitMQProcess(Process.Start(start)!, folder, $"amqp://{userName}:{password}@localhost:{port}", port);
        started._server.OutputDataReceived += (_, line) => started.Keep(line.Data);
        started._server.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        started._server.BeginOutputReadLine();
        started._server.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (started._server.HasExited)
            {
                throw new BrokerUnavailableException($"rabbitmq-server exited with code {started._server.ExitCode}:\n{started.Output}");
            }

            try
            {
                await (await new ConnectionFactory { Uri = started.Uri }.CreateConnectionAsync()).DisposeAsync();
                return started;
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException) when (clock.Elapsed < timeout)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>A port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    /// <summary>Stops the node with SIGTERM (its script shuts it down cleanly), then removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            Process.Start("kill", ["-TERM", _server.Id.ToString()])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _server.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
            }
        }

        _server.Dispose();
        if (Directory.Exists(_folder.Path))
        {
            Directory.Delete(_folder.Path, recursive: true);
        }
    }
}
