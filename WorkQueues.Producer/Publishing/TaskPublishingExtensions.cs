using Microsoft.Extensions.Options;
using WorkQueues.Producer.Api;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

public static class TaskPublishingExtensions
{
    /// <summary>The broker connection, the task rules and the publisher: all that sending (and cancelling) tasks needs.</summary>
    public static IHostApplicationBuilder AddTaskPublishing(this IHostApplicationBuilder builder)
    {
        builder.AddBrokerClient();

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
