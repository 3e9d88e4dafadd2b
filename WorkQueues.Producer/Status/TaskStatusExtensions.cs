using WorkQueues.Producer.Publishing;

namespace WorkQueues.Producer.Status;

public static class TaskStatusExtensions
{
    /// <summary>
    /// The status view: the board, told of this Producer's publishes as their observer, and the listener that feeds it
    /// the workers' events.
    /// </summary>
    public static IHostApplicationBuilder AddTaskStatus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TaskBoard>();
        builder.Services.AddSingleton<ITaskPublishObserver>(services => services.GetRequiredService<TaskBoard>());
        builder.Services.AddHostedService<TaskEventListener>();
        return builder;
    }
}
