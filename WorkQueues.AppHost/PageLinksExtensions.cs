using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost;

public static class PageLinksExtensions
{
    /// <summary>
    /// Tells the Producer's task page where the dashboard (for a task's trace) and the broker's management UI are.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPageLinks(
        this IResourceBuilder<ProjectResource> producer, IResourceBuilder<IResourceWithConnectionString> broker, IConfiguration configuration)
    {
        if (producer.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return producer; // No dashboard is deployed, and the management UI is not public there.
        }

        if (configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } dashboard)
        {
            producer.WithEnvironment("Links__Dashboard", dashboard.TrimEnd('/'));
        }

        if (broker.Resource is IResourceWithEndpoints withEndpoints
            && withEndpoints.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == "management"))
        {
            producer.WithEnvironment("Links__ManagementUi", withEndpoints.GetEndpoint("management"));
        }

        return producer;
    }
}
