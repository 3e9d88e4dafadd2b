namespace WorkQueues.Producer;

public static class TaskPageExtensions
{
    /// <summary>The status view and the listener that feeds it from the workers' events.</summary>
    public static IHostApplicationBuilder AddTaskStatus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<TaskEventListener>();
        return builder;
    }

    /// <summary>
    /// The live task page at <c>/</c> (plain HTML and JavaScript from wwwroot, no build step), the status API it
    /// reads, and the listener that keeps that status current.
    /// </summary>
    public static WebApplication MapTaskPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapTaskStatusApi();
        app.MapGet("/links", (IConfiguration configuration) => TypedResults.Ok(new PageLinks(
            configuration["Links:Dashboard"], configuration["Links:ManagementUi"]))).ExcludeFromDescription();
        return app;
    }
}

/// <summary>Where the page links to: the dashboard (for traces) and the broker's management UI, when known.</summary>
public sealed record PageLinks(string? Dashboard, string? ManagementUi);
