using Microsoft.Extensions.Configuration;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Whether this machine's container runtime answers, asked once: it decides which broker the AppHost runs.</summary>
public static class ContainerRuntime
{
    private static readonly Lazy<bool> Runs = new(() =>
    {
        var settings = MessagingSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        return ContainerRuntimeProbe.IsHealthy(settings.ContainerRuntime!, TimeSpan.FromSeconds(10));
    });

    public static bool IsRunning => Runs.Value;
}
