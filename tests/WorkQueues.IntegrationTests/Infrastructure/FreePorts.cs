using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Ports nobody listens on, so tests never collide with a broker or AppHost already running here.</summary>
public static class FreePorts
{
    public static int Next() => LocalRabbitMQProcess.FreePort();
}
