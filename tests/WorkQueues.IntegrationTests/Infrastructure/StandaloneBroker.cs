using System.Diagnostics;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ server the tests start themselves, outside any AppHost, on free ports: the "someone else's broker"
/// of the external path, and a broker with no workers on it to inspect what the Producer sends.
/// </summary>
public sealed class StandaloneBroker : IAsyncLifetime
{
    private const string UserName = "tester";
    private readonly string _password = Guid.NewGuid().ToString("N");
    private Process? _server;
    private LocalRabbitMQRunFolder? _folder;

    public int AmqpPort { get; } = FreePorts.Next();

    public string ConnectionString => $"amqp://{UserName}:{_password}@localhost:{AmqpPort}";

    public async Task InitializeAsync()
    {
        var settings = new MessagingSettings();
        _folder = LocalRabbitMQRunFolder.Create(Path.Combine(Path.GetTempPath(), "workqueues-tests"), AmqpPort);
        await _folder.WriteConfigurationAsync(UserName, _password, FreePorts.Next(), CancellationToken.None);

        var start = new ProcessStartInfo(settings.ServerPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in _folder.ServerEnvironment(AmqpPort, FreePorts.Next()))
        {
            start.Environment[key] = value;
        }

        _server = Process.Start(start)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        await Eventually.HoldsAsync(CanConnectAsync, TimeSpan.FromSeconds(60), $"the standalone broker on port {AmqpPort}");
    }

    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = new Uri(ConnectionString) }.CreateConnectionAsync();

    private async Task<bool> CanConnectAsync()
    {
        if (_server!.HasExited)
        {
            throw new InvalidOperationException($"rabbitmq-server exited with code {_server.ExitCode}.");
        }

        try
        {
            await using var connection = await ConnectAsync();
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            // SIGTERM lets the server's own script stop the node cleanly.
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

[CollectionDefinition(Name)]
public sealed class StandaloneBrokerCollection : ICollectionFixture<StandaloneBroker>
{
    public const string Name = "Standalone broker";
}
