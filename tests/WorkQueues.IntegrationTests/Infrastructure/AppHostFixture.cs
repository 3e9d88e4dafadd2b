namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>The AppHost most tests share, with the tutorial's one second per dot.</summary>
public sealed class AppHostFixture()
    // Retries a fifth of a second apart, so a poison task reaches the dead-letter queue in about three seconds.
    : WorkQueuesFixture("Worker:RetryDelay=00:00:00.200");

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
