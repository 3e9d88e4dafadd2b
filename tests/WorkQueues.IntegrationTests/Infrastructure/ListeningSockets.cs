using System.Globalization;
using System.Net;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>The TCP sockets given processes listen on, read from <c>/proc</c> as <c>ss -ltnp</c> does.</summary>
public static class ListeningSockets
{
    public sealed record Listener(int Pid, string Process, IPAddress Address, int Port)
    {
        public bool IsLoopback => IPAddress.IsLoopback(Address.IsIPv4MappedToIPv6 ? Address.MapToIPv4() : Address);

        public override string ToString() => $"{Process} ({Pid}) on {Address}:{Port}";
    }

    public static IReadOnlyList<Listener> Of(IEnumerable<MarkedProcesses.Entry> processes)
    {
        var listening = ReadTable("/proc/net/tcp").Concat(ReadTable("/proc/net/tcp6")).ToDictionary(s => s.Inode);
        var found = new List<Listener>();
        foreach (var process in processes)
        {
            foreach (var inode in SocketInodes(process.Pid))
            {
                if (listening.TryGetValue(inode, out var socket))
                {
                    found.Add(new Listener(process.Pid, process.Name, socket.Address, socket.Port));
                }
            }
        }

        return found;
    }

    /// <summary>Whatever listens on <paramref name="port"/>, whoever started it.</summary>
    public static IReadOnlyList<Listener> OnPort(int port) =>
        ReadTable("/proc/net/tcp").Concat(ReadTable("/proc/net/tcp6"))
            .Where(s => s.Port == port)
            .Select(s => new Listener(0, "?", s.Address, s.Port))
            .ToList();

    private sealed record Socket(string Inode, IPAddress Address, int Port);

    private static IEnumerable<Socket> ReadTable(string file)
    {
        const string Listen = "0A";
        foreach (var line in File.ReadLines(file).Skip(1))
        {
            var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (columns[3] == Listen)
            {
                var local = columns[1].Split(':');
                yield return new Socket(columns[9], ParseAddress(local[0]), int.Parse(local[1], NumberStyles.HexNumber));
            }
        }
    }

    /// <summary>The kernel prints addresses as 32-bit words in host (little-endian) order.</summary>
    private static IPAddress ParseAddress(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPAddress(bytes);
    }

    private static IEnumerable<string> SocketInodes(int pid)
    {
        string[] descriptors;
        try
        {
            descriptors = Directory.GetFiles($"/proc/{pid}/fd");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var descriptor in descriptors)
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                yield return target["socket:[".Length..^1];
            }
        }
    }
}
