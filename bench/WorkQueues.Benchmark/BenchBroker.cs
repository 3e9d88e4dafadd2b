using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.Benchmark;

/// <summary>
/// The broker every measurement of a run uses: a local rabbitmq-server started here on free ports, exactly as the
/// AppHost's local path starts one, or a broker given by URI.
/// </summary>
public sealed class BenchBroker : IAsyncDisposable
{
    private readonly Process? _server;
    private readonly LocalRabbitMQRunFolder? _folder;

    private BenchBroker(Uri uri, Process? server, LocalRabbitMQRunFolder? folder)
    {
        Uri = uri;
        _server = server;
        _folder = folder;
    }

    /// <summary>Carries the password: pass it to processes, never print it.</summary>
    public Uri Uri { get; }

    public string Description => _server is null ? $"given broker on {Uri.Host}:{Uri.Port}" : $"local rabbitmq-server on port {Uri.Port}, started by the bench";

    public static async Task<BenchBroker> StartAsync(BenchSettings settings)
    {
        if (settings.BrokerUri is { } given)
        {
            var broker = new BenchBroker(new Uri(given), null, null);
            await (await broker.ConnectAsync("bench-check")).DisposeAsync();
            return broker;
        }

        var messaging = new MessagingSettings();
        if (!File.Exists(messaging.ServerPath))
        {
            throw new InvalidOperationException(
                $"{messaging.ServerPath} is missing: install it (sudo apt-get install -y rabbitmq-server) or pass --broker amqp://...");
        }

        var amqpPort = FreePort();
        var password = Guid.NewGuid().ToString("N");
        var folder = LocalRabbitMQRunFolder.Create(Path.Combine(Path.GetTempPath(), "workqueues-bench"), amqpPort);
        await folder.WriteConfigurationAsync("bench", password, FreePort(), CancellationToken.None);

        var start = new ProcessStartInfo(messaging.ServerPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in folder.ServerEnvironment(amqpPort, FreePort()))
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        server.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        var started = new BenchBroker(new Uri($"amqp://bench:{password}@localhost:{amqpPort}"), server, folder);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with code {server.ExitCode}:\n{output}");
            }

            try
            {
                await (await started.ConnectAsync("bench-check")).DisposeAsync();
                return started;
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }
        }
    }

    public Task<IConnection> ConnectAsync(string name) =>
        new ConnectionFactory { Uri = Uri, ClientProvidedName = name }.CreateConnectionAsync();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // SIGTERM lets the server's script stop the node cleanly.
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

        _server?.Dispose();
        if (_folder is not null && Directory.Exists(_folder.Path))
        {
            Directory.Delete(_folder.Path, recursive: true);
        }
    }
}
