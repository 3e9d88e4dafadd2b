using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Checks that the nodes formed one cluster, not several: every node answering AMQP proves only that it booted, and a
/// node that found no peer in time boots as a cluster of its own. Asks the first node's management API which nodes it
/// counts as members and running.
/// </summary>
public static class ClusterMembership
{
    public static async Task WaitForAllNodesAsync(
        Uri management, string userName, string password, IReadOnlyCollection<string> nodeNames, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));

        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyCollection<string> running = [];
        while (true)
        {
            try
            {
                running = await RunningMembersAsync(http, cancellationToken);
                if (nodeNames.All(running.Contains))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The management plugin starts a moment after AMQP: not yet, rather than failed.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BrokerUnavailableException(
                    $"The nodes did not form one cluster: {nodeNames.First()} counts [{string.Join(", ", running)}] as running members of " +
                    $"[{string.Join(", ", nodeNames)}]. Stop the AppHost, run 'Delete broker data' on every node (or delete their folders), and start again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task<IReadOnlyCollection<string>> RunningMembersAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var nodes = JsonDocument.Parse(await http.GetStringAsync("/api/nodes?columns=name,running", cancellationToken));
        return nodes.RootElement.EnumerateArray()
            .Where(node => node.TryGetProperty("running", out var running) && running.ValueKind == JsonValueKind.True)
            .Select(node => node.GetProperty("name").GetString()!)
            .ToHashSet();
    }
}
