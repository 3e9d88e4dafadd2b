using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using WorkQueues.Tasks;

namespace WorkQueues.ServiceDefaults.Tests;

public sealed class UntracedMessageFilterTests
{
    private static readonly ActivitySource Source = new(nameof(UntracedMessageFilterTests));

    [Fact]
    public async Task Spans_in_the_untraced_trace_are_not_exported_even_with_always_on_sampling()
    {
        var exported = new List<Activity>();
        var builder = Host.CreateApplicationBuilder();
        // What the Aspire AppHost gives every service: a sampler that ignores the parent's sampled flag.
        builder.Configuration["OTEL_TRACES_SAMPLER"] = "always_on";
        builder.AddServiceDefaults();
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(Source.Name).AddInMemoryExporter(exported));
        using var host = builder.Build();
        await host.StartAsync();

        // A delivery of a message that carries the untraced context, with a span its handler started under it.
        var untraced = new ActivityContext(MessageTraceContext.UntracedTraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (Source.StartActivity("deliver", ActivityKind.Consumer, untraced))
        using (Source.StartActivity("handled"))
        {
        }

        using (Source.StartActivity("deliver task_queue", ActivityKind.Consumer))
        {
        }

        await host.StopAsync();
        // This test's own spans only: activity listeners are process-wide, and another test's host may meanwhile start
        // a span from a source AddServiceDefaults listens to, which this exporter then receives too.
        Assert.Equal(["deliver task_queue"], exported.Where(a => a.Source == Source).Select(a => a.DisplayName));
    }
}
