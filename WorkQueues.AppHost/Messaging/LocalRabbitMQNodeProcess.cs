using System.Diagnostics;
using System.Text;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The broker node running on a data folder: after the AppHost was killed (SIGKILL, a crash) its node may run on, and
/// the next run stops it before starting its own. Found by its environment, not its pid file: a node that is shutting
/// down (as the killed AppHost's orchestrator stops it) has already deleted that file while it still holds its ports.
/// </summary>
public static class LocalRabbitMQNodeProcess
{
    // The Erlang VM, which is the node. epmd, which a node starts, inherits the same environment but may serve others.
    private const string VirtualMachine = "beam.smp";

    /// <summary>The process ids of the live nodes of <paramref name="folder"/> (one, or none); none where there is no /proc.</summary>
    public static IReadOnlyList<int> FindIds(LocalRabbitMQDataFolder folder)
    {
        var marker = Marker(folder);
        return !Directory.Exists("/proc")
            ? []
            : Directory.EnumerateDirectories("/proc")
                .Select(entry => int.TryParse(Path.GetFileName(entry), out var pid) ? pid : 0)
                .Where(pid => pid > 0 && IsLiveNodeOf(pid, marker))
                .ToList();
    }

    /// <summary>Stops the nodes left running on <paramref name="folder"/>, and returns their process ids.</summary>
    public static async Task<IReadOnlyList<int>> StopLeftoversAsync(LocalRabbitMQDataFolder folder)
    {
        var marker = Marker(folder);
        var stopped = new List<int>();
        foreach (var pid in FindIds(folder))
        {
            // SIGTERM makes the node shut down cleanly; a minute is ample for one with a few queues.
            if (!await SignalUntilGoneAsync(pid, marker, ProcessSignals.Terminate, TimeSpan.FromSeconds(60))
                && !await SignalUntilGoneAsync(pid, marker, ProcessSignals.Kill, TimeSpan.FromSeconds(10)))
            {
                throw new BrokerUnavailableException($"The broker node (process {pid}) a killed AppHost left running on {folder.Path} did not stop; stop it, then start again.");
            }

            stopped.Add(pid);
        }

        return stopped;
    }

    private static string Marker(LocalRabbitMQDataFolder folder) => $"RABBITMQ_MNESIA_BASE={folder.MnesiaBase}";

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> while it is still the folder's node, and waits until it
    /// is not. Checked by /proc, not <see cref="Process"/>: the node is not our child, so once it exits it may stay a
    /// zombie until its parent reaps it, and .NET would count that as running.
    /// </summary>
    private static async Task<bool> SignalUntilGoneAsync(int pid, string marker, int signal, TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        if (IsLiveNodeOf(pid, marker))
        {
            ProcessSignals.Send(pid, signal);
        }

        while (IsLiveNodeOf(pid, marker))
        {
            if (clock.Elapsed > grace)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return true;
    }

    private static bool IsLiveNodeOf(int pid, string marker)
    {
        try
        {
            // "pid (comm) state …": comm may hold spaces and parentheses, so it ends at the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var commEnd = stat.LastIndexOf(')');
            var comm = stat[(stat.IndexOf('(') + 1)..commEnd];
            var state = stat[(commEnd + 2)..].Split(' ')[0];
            if (comm != VirtualMachine || state == "Z")
            {
                return false; // A zombie holds no port and cannot be stopped, only reaped by its parent.
            }

            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0').Contains(marker);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return false; // Gone meanwhile, or another user's.
        }
    }
}
