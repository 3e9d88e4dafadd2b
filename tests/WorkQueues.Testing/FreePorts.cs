using System.Net;
using System.Net.Sockets;

namespace WorkQueues.Testing;

/// <summary>
/// Ports nobody listens on, so tests and the bench never collide with a broker or AppHost already running here. A
/// port handed out is not handed out again in this process, nor is any port of a <see cref="Run"/>: the system may
/// offer the same free port twice before anything binds it (measured: a dashboard given the port a cluster's third
/// node was about to listen on, which then failed to start).
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = AnyFree();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>The first of <paramref name="count"/> consecutive free ports, all of them kept from later calls.</summary>
    public static int Run(int count)
    {
        lock (HandedOut)
        {
            while (true)
            {
                var first = AnyFree();
                var run = Enumerable.Range(first, count).ToList();
                if (first + count <= 65535 && run.All(port => !HandedOut.Contains(port) && IsFree(port)))
                {
                    HandedOut.UnionWith(run);
                    return first;
                }
            }
        }
    }

    private static int AnyFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
