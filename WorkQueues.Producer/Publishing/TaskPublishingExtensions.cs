using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using RabbitMQ.Client;
using WorkQueues.Producer.Api;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

public static class TaskPublishingExtensions
{
    /// <summary>The connection retries' spans of Aspire's RabbitMQ client, which its own tracing would have listened to.</summary>
    private const string AspireRabbitMQActivitySourceName = "Aspire.RabbitMQ.Client";

    /// <summary>The broker connection, the task rules and the publisher: all that sending (and cancelling) tasks needs.</summary>
    public static IHostApplicationBuilder AddTaskPublishing(this IHostApplicationBuilder builder)
    {
        // Every node of a cluster, and automatic recovery, so the service moves to a surviving node when its own dies.
        builder.AddRabbitMQClient(
            "messaging",
            settings => settings.DisableTracing = true,
            factory => BrokerEndpoints.Configure(factory, builder.Configuration[BrokerEndpoints.ConfigurationKey]));
        // RabbitMQ.Client's spans except its publish span: the send span is each task's Producer span and its messages
        // carry that span's context (MessageTraceContext). A publish span per message was 40 % of a batch's CPU.
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(AspireRabbitMQActivitySourceName, RabbitMQActivitySource.SubscriberSourceName));

        builder.Services.AddOptions<TaskOptions>()
            .BindConfiguration(TaskOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TaskOptions>, TaskOptionsValidator>();
        builder.Services.AddOptions<ProducerOptions>()
            .BindConfiguration(ProducerOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProducerOptions>, ProducerOptionsValidator>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProducerMetrics>();
        builder.Services.AddSingleton<TaskAnnouncer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskAnnouncer>());
        builder.Services.AddSingleton<TaskPublisher>();
        builder.Services.AddSingleton<TaskCancellationPublisher>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TaskJsonContext.Default));
        return builder;
    }
}
