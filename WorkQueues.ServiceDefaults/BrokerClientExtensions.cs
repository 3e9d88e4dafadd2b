using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace Microsoft.Extensions.Hosting;

/// <summary>The broker connection both services use, registered the same way for both.</summary>
public static class BrokerClientExtensions
{
    /// <summary>The AppHost's name for the broker, and so for its connection string.</summary>
    public const string ConnectionName = "messaging";

    /// <summary>The connection retries' spans of Aspire's RabbitMQ client, which its own tracing would have listened to.</summary>
    private const string AspireRabbitMQActivitySourceName = "Aspire.RabbitMQ.Client";

    /// <summary>
    /// Aspire's RabbitMQ client for <see cref="ConnectionName"/>, with every node of a cluster and automatic recovery
    /// (<see cref="BrokerEndpoints"/>), so a service moves to a surviving node when its own dies. It traces
    /// RabbitMQ.Client's deliveries but not its publishes: a publish span per message was 40 % of a batch's CPU, and the
    /// services' publishes that belong to a task carry their own span's context (<see cref="MessageTraceContext"/>),
    /// while the rest (task events) would each have been a trace of their own.
    /// </summary>
    public static IHostApplicationBuilder AddBrokerClient(this IHostApplicationBuilder builder)
    {
        builder.AddRabbitMQClient(
            ConnectionName,
            settings => settings.DisableTracing = true,
            factory => BrokerEndpoints.Configure(factory, builder.Configuration[BrokerEndpoints.ConfigurationKey]));
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(AspireRabbitMQActivitySourceName, RabbitMQActivitySource.SubscriberSourceName));
        return builder;
    }
}
