namespace WorkQueues.Producer.Page;

public static class TaskPageExtensions
{
    /// <summary>
    /// The live task page at <c>/</c>: plain HTML and JavaScript from wwwroot (no build step), open to anyone like
    /// <c>/links</c>, where it learns what to link to. The data it shows comes from the APIs, which ask for credentials.
    /// </summary>
    public static WebApplication MapTaskPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/links", (IConfiguration configuration) => TypedResults.Ok(new PageLinks(
            configuration["Links:Dashboard"], configuration["Links:ManagementUi"]))).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
