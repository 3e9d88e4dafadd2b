using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

public static class TaskPublishingExtensions
{
    /// <summary>The broker connection, the task rules and the publisher: all that sending (and cancelling) tasks needs.</summary>
    public static IHostApplicationBuilder AddTaskPublishing(this IHostApplicationBuilder builder)
    {
        builder.AddRabbitMQClient("messaging");

        builder.Services.AddOptions<TaskOptions>()
            .BindConfiguration(TaskOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ProducerOptions>()
            .BindConfiguration(ProducerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProducerMetrics>();
        builder.Services.AddSingleton<TaskAnnouncer>();
        builder.Services.AddSingleton<TaskPublisher>();
        builder.Services.AddSingleton<TaskCancellationPublisher>();
        builder.Services.AddProblemDetails();
        return builder;
    }
}
