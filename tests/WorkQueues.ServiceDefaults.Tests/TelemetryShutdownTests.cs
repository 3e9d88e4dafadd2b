using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WorkQueues.Tasks;

namespace WorkQueues.ServiceDefaults.Tests;

public sealed class TelemetryShutdownTests
{
    /// <summary>
    /// As after Ctrl+C, when the dashboard (the services' collector) has stopped first: telemetry is waiting, and the
    /// OTLP endpoint takes connections but never answers (a proxy whose collector is gone). Left to the providers'
    /// disposal this took 10 s or more, until the orchestrator killed the service.
    /// </summary>
    [Fact]
    public async Task A_service_whose_collector_does_not_answer_stops_within_the_telemetry_budget()
    {
        using var silentCollector = new TcpListener(IPAddress.Loopback, 0);
        silentCollector.Start();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{((IPEndPoint)silentCollector.LocalEndpoint).Port}",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        });
        builder.AddServiceDefaults();
        var host = builder.Build();
        await host.StartAsync();
        using (TaskTelemetry.Source.StartActivity("waiting to be exported"))
        {
            host.Services.GetRequiredService<ILogger<TelemetryShutdownTests>>().LogInformation("waiting to be exported");
        }

        var clock = Stopwatch.StartNew();
        await host.StopAsync();
        host.Dispose();

        // Within a few budgets (the worker's join, then the exporter's, on a loaded machine), against the 15 s that the
        // providers' disposal takes without it (5 s each, one after the other).
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TelemetryShutdown.Budget * 3 + TimeSpan.FromSeconds(1));
    }

    /// <summary>As a test host's factory can stop it: its service provider already disposed.</summary>
    [Fact]
    public async Task Stopping_a_host_whose_services_are_already_disposed_does_not_throw()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        var host = builder.Build();
        await host.StartAsync();

        await ((IAsyncDisposable)host.Services).DisposeAsync();

        await host.StopAsync();
    }
}
