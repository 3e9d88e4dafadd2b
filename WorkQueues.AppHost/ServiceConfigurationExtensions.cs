using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost;

public static class ServiceConfigurationExtensions
{
    /// <summary>
    /// Passes the AppHost's configuration sections on to a service as environment variables, so a setting such as
    /// <c>Worker:Concurrency</c> is given once, to the AppHost, and reaches every replica.
    /// </summary>
    public static IResourceBuilder<T> WithServiceConfiguration<T>(
        this IResourceBuilder<T> builder, IConfiguration configuration, params string[] sections)
        where T : IResourceWithEnvironment
    {
        foreach (var section in sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null)
                {
                    builder.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
                }
            }
        }

        return builder;
    }
}
