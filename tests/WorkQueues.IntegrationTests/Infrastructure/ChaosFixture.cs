using System.Diagnostics;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// An AppHost of its own for tests that stop the broker and kill workers, so they disturb no other test:
/// 50 ms dots and a short publish timeout keep the runs short.
/// </summary>
public sealed class ChaosFixture() : WorkQueuesFixture(
    "Producer:PublishTimeout=00:00:02",
    // Fast enough for a thousand tasks, slow enough that a 150-dot task is still running when a worker is stopped.
    "Worker:DotDuration=00:00:00.050",
    // The tests read each task's " [x] Done" line as evidence of its work, however many finish a second.
    "Worker:DoneLog=EveryTask")
{
    /// <summary>Starts again every worker replica a test stopped or killed, and waits until both consume.</summary>
    public async Task RestoreWorkersAsync()
    {
        foreach (var replica in await App.Dashboard.GetInstancesAsync("worker"))
        {
            if (WorkerProcesses().Count < 2)
            {
                // A replica that still runs refuses Start; that is fine.
                await App.App.ResourceCommands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand);
            }
        }

        await WaitForConsumersAsync(2);
    }

    /// <summary>
    /// The Worker processes of this AppHost: those whose connection string names this broker's port (the other test
    /// lane's Workers run meanwhile).
    /// </summary>
    public IReadOnlyList<int> WorkerProcesses() =>
        Process.GetProcessesByName("WorkQueues.Worker")
            .Where(p => ReadEnvironment(p.Id).Split('\n').Any(line =>
                line.StartsWith("ConnectionStrings__messaging=", StringComparison.Ordinal)
                && Uri.TryCreate(line["ConnectionStrings__messaging=".Length..], UriKind.Absolute, out var broker)
                && broker.Port == AmqpPort))
            .Select(p => p.Id)
            .ToList();

    private static string ReadEnvironment(int pid)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Replace('\0', '\n');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosFixture>
{
    public const string Name = "Chaos";
}
