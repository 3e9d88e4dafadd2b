namespace WorkQueues.Producer.Page;

public static class TaskPageExtensions
{
    /// <summary>
    /// The live task page at <c>/</c>: plain HTML and JavaScript from wwwroot (no build step), and <c>/links</c>, where
    /// it learns what to link to. The APIs it reads are mapped on their own.
    /// </summary>
    public static WebApplication MapTaskPage(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/links", (IConfiguration configuration) => TypedResults.Ok(new PageLinks(
            configuration["Links:Dashboard"], configuration["Links:ManagementUi"]))).ExcludeFromDescription();
        return app;
    }
}
