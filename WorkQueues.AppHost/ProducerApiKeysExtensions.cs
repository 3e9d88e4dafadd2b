namespace WorkQueues.AppHost;

public static class ProducerApiKeysExtensions
{
    /// <summary>
    /// Gives the Producer its two API keys as secret Aspire parameters, generated once and kept (user secrets in run
    /// mode, the deployment's secret store when published): <c>producer-api-key</c> sends tasks and reads status,
    /// <c>producer-admin-key</c> also opens the dead-letter routes. The manifest names the parameters, never a value.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithApiKeys(this IResourceBuilder<ProjectResource> producer)
    {
        var builder = producer.ApplicationBuilder;
        // Letters and digits only: a key goes into a header, a query string and a shell.
        var apiKey = builder.AddParameter("producer-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var adminKey = builder.AddParameter("producer-admin-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        return producer
            .WithEnvironment("Producer__ApiKey", apiKey)
            .WithEnvironment("Producer__AdminApiKey", adminKey);
    }
}
