using System.Collections.Concurrent;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// Where the services export their telemetry during the run: an OTLP/HTTP endpoint that accepts and counts it, so
/// "tracing on" costs what exporting costs, without a dashboard's own work on the same two cores.
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    private OtlpSink(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Bytes received per signal (traces, metrics, logs).</summary>
    public IReadOnlyDictionary<string, long> BytesReceived => _bytes;

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var endpoint = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        builder.WebHost.UseUrls(endpoint.ToString());
        var app = builder.Build();
        var sink = new OtlpSink(app, endpoint);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            var buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            sink._bytes.AddOrUpdate(signal, total, (_, sum) => sum + total);
            // An empty protobuf message is a valid Export…ServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return sink;
    }

    /// <summary>The environment that points a service's OTLP exporter here; tracing off samples nothing.</summary>
    public IReadOnlyDictionary<string, string> ExporterEnvironment(bool tracing)
    {
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        if (!tracing)
        {
            environment["OTEL_TRACES_SAMPLER"] = "always_off";
        }

        return environment;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
