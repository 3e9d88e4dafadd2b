namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>A fact about a machine with no container runtime; reported as skipped, saying why, where one answers.</summary>
public sealed class WithoutContainerRuntimeFactAttribute : FactAttribute
{
    public WithoutContainerRuntimeFactAttribute()
    {
        if (ContainerRuntime.IsRunning)
        {
            Skip = "A container runtime answers on this machine; forcing the container path cannot fail here.";
        }
    }
}
