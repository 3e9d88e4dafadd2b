using System.Net;
using System.Net.Sockets;

namespace WorkQueues.Testing;

/// <summary>
/// Ports nobody listens on, so tests and the bench never collide with a broker or AppHost already running here. A
/// port handed out is not handed out again in this process, nor is any port of a <see cref="Run"/>: the system may
/// offer the same free port twice before anything binds it (measured: a dashboard given the port a cluster's third
/// node was about to listen on, which then failed to start). Test runs side by side split the ports between them
/// (<see cref="ShareVariable"/>), since neither knows what the other handed out; ports that others choose (DCP's
/// proxies, a cluster's inter-node ports) are not split.
/// </summary>
public static class FreePorts
{
    /// <summary>
    /// <c>k/n</c>: this process takes only ports in blocks of <see cref="BlockSize"/> whose index is <c>k</c> modulo
    /// <c>n</c>, so <c>n</c> processes given <c>0/n</c> … <c>n-1/n</c> never hand out the same port. Unset: any port.
    /// </summary>
    public const string ShareVariable = "WORKQUEUES_TEST_PORT_SHARE";

    public const int BlockSize = 64;

    private static readonly HashSet<int> HandedOut = [];

    private static readonly (int Index, int Count) Share = ParseShare(Environment.GetEnvironmentVariable(ShareVariable));

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; ; attempt++)
            {
                GiveUpAfter(attempt);
                var port = AnyFree();
                if (IsOurs(port) && HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>The first of <paramref name="count"/> consecutive free ports, all of them kept from later calls.</summary>
    public static int Run(int count)
    {
        // A run within one block, so that it lies in one share.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, BlockSize);
        lock (HandedOut)
        {
            for (var attempt = 0; ; attempt++)
            {
                GiveUpAfter(attempt);
                var first = AnyFree();
                var run = Enumerable.Range(first, count).ToList();
                if (first + count <= 65535 && run.All(port => IsOurs(port) && !HandedOut.Contains(port) && IsFree(port)))
                {
                    HandedOut.UnionWith(run);
                    return first;
                }
            }
        }
    }

    /// <summary>Free ports come at random from the system's range; so many misses mean its range or our share is used up.</summary>
    private static void GiveUpAfter(int attempt)
    {
        if (attempt == 10_000)
        {
            throw new InvalidOperationException($"No free port found in this process's share ({ShareVariable}={Share.Index}/{Share.Count}) after {attempt} tries.");
        }
    }

    /// <summary>Whether <paramref name="port"/> is in this process's share of the ports.</summary>
    public static bool IsOurs(int port) => port / BlockSize % Share.Count == Share.Index;

    public static (int Index, int Count) ParseShare(string? share) =>
        share?.Split('/') is [var k, var n] && int.TryParse(k, out var index) && int.TryParse(n, out var count) && count > 0 && index >= 0 && index < count
            ? (index, count)
            : share is null or ""
                ? (0, 1)
                : throw new InvalidOperationException($"{ShareVariable} must be k/n with 0 <= k < n, not '{share}'.");

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
