using WorkQueues.Tasks;

namespace WorkQueues.Worker;

public static class TaskProcessingExtensions
{
    /// <summary>The broker connection, the task rules and the consumer that does the work.</summary>
    public static IHostApplicationBuilder AddTaskProcessing(this IHostApplicationBuilder builder)
    {
        builder.AddRabbitMQClient("messaging");

        builder.Services.AddOptions<TaskOptions>()
            .BindConfiguration(TaskOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DotsWorkload>();
        builder.Services.AddSingleton<FailedTaskRouter>();
        builder.Services.AddSingleton<QueueDepthSampler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthSampler>());
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddSingleton<TaskEventPublisher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskEventPublisher>());
        builder.Services.AddHostedService<TaskConsumer>();
        return builder;
    }
}
