namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// A fact about the local broker the AppHost runs by default. Where a container runtime answers, the AppHost takes the
/// container path instead, and the fact is reported as skipped, saying so, rather than passing without checking.
/// </summary>
public sealed class LocalBrokerFactAttribute : FactAttribute
{
    public LocalBrokerFactAttribute()
    {
        if (ContainerRuntime.IsRunning)
        {
            Skip = "A container runtime answers on this machine, so the AppHost runs the container broker, not the local one.";
        }
    }
}
