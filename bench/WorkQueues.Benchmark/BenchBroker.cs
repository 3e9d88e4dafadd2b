using RabbitMQ.Client;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// The broker every measurement of a run uses: a local rabbitmq-server started here on free ports, as the AppHost's
/// local path starts one, or a broker given by URI.
/// </summary>
public sealed class BenchBroker : IAsyncDisposable
{
    private readonly LocalRabbitMQProcess? _server;
    private string? _description;

    private BenchBroker(Uri uri, LocalRabbitMQProcess? server)
    {
        Uri = uri;
        _server = server;
    }

    /// <summary>Carries the password: pass it to processes, never print it.</summary>
    public Uri Uri { get; }

    public string Description => _description ?? (_server is null ? $"given broker on {Uri.Host}:{Uri.Port}" : $"local rabbitmq-server on port {Uri.Port}, started by the bench");

    /// <summary>A broker its caller started and stops (a cluster of the bench's own).</summary>
    public static BenchBroker Of(Uri uri, string description) => new(uri, null) { _description = description };

    public static async Task<BenchBroker> StartAsync(BenchSettings settings)
    {
        if (settings.BrokerUri is { } given)
        {
            var broker = new BenchBroker(new Uri(given), null);
            await (await broker.ConnectAsync("bench-check")).DisposeAsync();
            return broker;
        }

        var server = await LocalRabbitMQProcess.StartAsync("bench", TimeSpan.FromSeconds(60));
        return new BenchBroker(server.Uri, server);
    }

    /// <summary>CPU time the broker has used so far, when the bench started it (a given broker's is not known).</summary>
    public TimeSpan? CpuTime => _server is null ? null : ProcessTreeCpu.Of(_server.ProcessId);

    public Task<IConnection> ConnectAsync(string name) =>
        new ConnectionFactory { Uri = Uri, ClientProvidedName = name }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
