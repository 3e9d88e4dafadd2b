using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Makes the cluster's default vhost, <c>/</c>, one whose default queue type is quorum: there the tutorial's plain
/// <c>queue_declare('task_queue', durable=True)</c> makes a quorum queue, and is accepted again, so tutorial clients
/// keep working unchanged while every durable queue is replicated on every node. RabbitMQ 3.10 sets a vhost's default
/// queue type only when the vhost is created, so an empty <c>/</c> is created again with it; one that already holds
/// queues is left alone, with a warning saying how to fix it.
/// </summary>
public static class ClusterVirtualHost
{
    private const string DefaultVhost = "%2F";

    public static async Task EnsureQuorumDefaultAsync(Uri management, string userName, string password, ILogger logger, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = management, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}")));

        if (await IsQuorumDefaultAsync(http, cancellationToken))
        {
            return;
        }

        using var queues = JsonDocument.Parse(await http.GetStringAsync($"/api/queues/{DefaultVhost}?columns=name", cancellationToken));
        if (queues.RootElement.GetArrayLength() > 0)
        {
            logger.LogWarning(
                "The vhost / of this cluster already holds {Count} queues, so its default queue type stays classic and tutorial clients' " +
                "plain declares of quorum queues will fail. To fix: drain the queues, then 'Delete broker data' on every node (with the AppHost stopped) and start again.",
                queues.RootElement.GetArrayLength());
            return;
        }

        (await http.DeleteAsync($"/api/vhosts/{DefaultVhost}", cancellationToken)).EnsureSuccessStatusCode();
        await CreateQuorumDefaultAsync(http, cancellationToken);
        (await http.PutAsJsonAsync($"/api/permissions/{DefaultVhost}/{Uri.EscapeDataString(userName)}",
            new { configure = ".*", write = ".*", read = ".*" }, cancellationToken)).EnsureSuccessStatusCode();
        logger.LogInformation("Made / a vhost whose queues are quorum queues by default.");
    }

    /// <summary>
    /// Creates / again. The broker answers once the vhost runs on every node, which on a cluster just formed has taken
    /// over 30 s (measured once in the bench): a request that times out is asked again, and first checked, since the
    /// vhost may have been made meanwhile.
    /// </summary>
    private static async Task CreateQuorumDefaultAsync(HttpClient http, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await IsQuorumDefaultAsync(http, cancellationToken))
                {
                    return;
                }

                (await http.PutAsJsonAsync($"/api/vhosts/{DefaultVhost}",
                    new { description = "Default virtual host", defaultqueuetype = "quorum" }, cancellationToken)).EnsureSuccessStatusCode();
                return;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < 3)
            {
                // The request's own timeout: ask again.
            }
        }
    }

    /// <summary>Whether / exists with quorum as its default queue type (false while it does not exist).</summary>
    private static async Task<bool> IsQuorumDefaultAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/vhosts/{DefaultVhost}", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        using var vhost = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return vhost.RootElement.TryGetProperty("default_queue_type", out var type) && type.GetString() == "quorum";
    }
}
