using System.Text;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The processes one AppHost run started, found by a variable put in its environment: DCP detaches from the AppHost
/// and Erlang's epmd from the broker, so neither is a descendant, but every one of them inherits the environment.
/// </summary>
public sealed class MarkedProcesses(string marker)
{
    public const string VariableName = "WORKQUEUES_TEST_RUN";

    public string Marker => marker;

    public string Variable => $"{VariableName}={marker}";

    public sealed record Entry(int Pid, string Name);

    public IReadOnlyList<Entry> Alive()
    {
        var found = new List<Entry>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var environment = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(directory, "environ")));
                if (environment.Split('\0').Contains(Variable) && !IsZombie(directory))
                {
                    found.Add(new Entry(pid, File.ReadAllText(Path.Combine(directory, "comm")).Trim()));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    /// <summary>An exited process whose parent has not collected it (epmd's parent is often init here) runs nothing.</summary>
    private static bool IsZombie(string directory) =>
        File.ReadAllText(Path.Combine(directory, "stat")).Split(") ", 2)[1].StartsWith('Z');
}
