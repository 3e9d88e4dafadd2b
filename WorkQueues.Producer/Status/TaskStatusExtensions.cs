using WorkQueues.Producer.Publishing;

namespace WorkQueues.Producer.Status;

public static class TaskStatusExtensions
{
    /// <summary>
    /// The status view: the board, told of this Producer's publishes as their observer; the listener that feeds it the
    /// workers' events; the feed that hands its changes to the event streams; and the queue's sampled depth.
    /// </summary>
    public static IHostApplicationBuilder AddTaskStatus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TaskChangeFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TaskChangeFeed>());
        builder.Services.AddSingleton<TaskBoard>();
        builder.Services.AddSingleton<ITaskPublishObserver>(services => services.GetRequiredService<TaskBoard>());
        builder.Services.AddHostedService<TaskEventListener>();
        builder.Services.AddSingleton<QueueDepthSampler>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QueueDepthSampler>());
        return builder;
    }
}
