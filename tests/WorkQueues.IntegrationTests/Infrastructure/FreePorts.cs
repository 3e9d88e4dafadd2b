using System.Net;
using System.Net.Sockets;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Ports nobody listens on, so tests never collide with a broker or AppHost already running here.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
