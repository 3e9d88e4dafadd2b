using System.Net;
using System.Net.Sockets;

namespace WorkQueues.Testing;

/// <summary>Ports nobody listens on, so tests and the bench never collide with a broker or AppHost already running here.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
