using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace WorkQueues.ServiceDefaults;

/// <summary>
/// Sends the last telemetry within <see cref="Budget"/> once the service has stopped. Left to their disposal, the
/// providers wait up to 5 s each for their exporters, and on Ctrl+C the Aspire dashboard, their collector, is gone
/// first: the exporters retried against it until the orchestrator killed the service, 10.7 s after the stop began
/// (docs/operations.md). A live collector takes milliseconds.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services) : IHostedLifecycleService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    // Taken when the host starts: by the time it has stopped, its service provider may already be disposed (a test
    // host's factory disposes it while stopping).
    private readonly TracerProvider? _traces = services.GetService<TracerProvider>();
    private readonly MeterProvider? _metrics = services.GetService<MeterProvider>();
    private readonly LoggerProvider? _logs = services.GetService<LoggerProvider>();

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var milliseconds = (int)Budget.TotalMilliseconds;
        // Side by side, so the three together take one budget; a provider shut down here is not waited for again.
        return Task.WhenAll(
            Task.Run(() => _traces?.Shutdown(milliseconds), CancellationToken.None),
            Task.Run(() => _metrics?.Shutdown(milliseconds), CancellationToken.None),
            Task.Run(() => _logs?.Shutdown(milliseconds), CancellationToken.None));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
