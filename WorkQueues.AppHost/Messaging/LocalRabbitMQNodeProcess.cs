using System.Diagnostics;
using System.Text;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The broker process running on a data folder, found by its pid file and checked to be that folder's node: after
/// the AppHost was killed (SIGKILL, a crash) its broker may run on, and the next run stops it before starting its own.
/// </summary>
public static class LocalRabbitMQNodeProcess
{
    /// <summary>The live node of <paramref name="folder"/>, or null; a stale pid file (a dead or another process) is not one.</summary>
    public static Process? Find(LocalRabbitMQDataFolder folder)
    {
        if (!File.Exists(folder.PidFile) || !int.TryParse(File.ReadAllText(folder.PidFile).Trim(), out var pid))
        {
            return null;
        }

        try
        {
            var environment = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ"));
            if (!environment.Split('\0').Contains($"RABBITMQ_MNESIA_BASE={folder.MnesiaBase}"))
            {
                return null; // The number was reused by an unrelated process.
            }

            var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Stops the node left running on <paramref name="folder"/>, if any, and returns its process id.</summary>
    public static async Task<int?> StopLeftoverAsync(LocalRabbitMQDataFolder folder)
    {
        using var node = Find(folder);
        if (node is null)
        {
            return null;
        }

        // SIGTERM makes the node shut down cleanly; a minute is ample for one with a few queues.
        await ProcessStopper.StopAsync(node, TimeSpan.FromSeconds(60));
        return node.Id;
    }
}
