using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;
using WorkQueues.Worker.Consuming;
using WorkQueues.Worker.Events;
using WorkQueues.Worker.Handlers;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker;

public static class TaskProcessingExtensions
{
    /// <summary>
    /// The broker connection, the task rules and the consumer that does the work, with the tutorial's
    /// <see cref="DotsTaskHandler"/> as the work unless a handler is given (<see cref="TaskProcessingBuilder.WithTaskHandler{THandler}"/>).
    /// </summary>
    public static TaskProcessingBuilder AddTaskProcessing(this IHostApplicationBuilder builder)
    {
        builder.AddBrokerClient();

        builder.Services.AddOptions<TaskOptions>()
            .BindConfiguration(TaskOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TaskOptions>, TaskOptionsValidator>();
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddScoped<ITaskHandler, DotsTaskHandler>();
        builder.Services.AddSingleton<FailedTaskRouter>();
        builder.Services.AddSingleton<IFailedTaskRouter>(services => services.GetRequiredService<FailedTaskRouter>());
        builder.Services.AddSingleton<QueueDepthSampler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthSampler>());
        builder.Services.AddSingleton<WorkerMetrics>();
        builder.Services.AddSingleton<TaskEventPublisher>();
        builder.Services.AddSingleton<ITaskEventSink>(services => services.GetRequiredService<TaskEventPublisher>());
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskEventPublisher>());
        builder.Services.AddSingleton(services => new CancelledTasks(
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxRememberedCancels,
            TaskCancellation.Retention));
        builder.Services.AddSingleton<TaskCancellationListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskCancellationListener>());
        builder.Services.AddSingleton<DoneSummary>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DoneSummary>());
        builder.Services.AddSingleton<TaskProcessor>();
        builder.Services.AddSingleton<TaskConsumer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskConsumer>());
        builder.Services.AddHealthChecks().AddCheck<TaskConsumerHealthCheck>(TaskConsumerHealthCheck.Name);
        return new TaskProcessingBuilder(builder.Services);
    }
}
