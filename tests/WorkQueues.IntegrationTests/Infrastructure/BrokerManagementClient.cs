using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Asks the broker's management API about <c>task_queue</c>.</summary>
public sealed class BrokerManagementClient(Uri managementUrl, string userName, string password) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = managementUrl,
        Timeout = TimeSpan.FromSeconds(10),
        DefaultRequestHeaders =
        {
            Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"))),
        },
    };

    public sealed record QueueState(long Ready, long Unacknowledged, int Consumers, bool Durable, int ArgumentCount);

    public async Task<QueueState> GetQueueAsync(string queue = "task_queue")
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"/api/queues/%2F/{queue}"));
        var root = document.RootElement;
        return new QueueState(
            Long(root, "messages_ready"),
            Long(root, "messages_unacknowledged"),
            (int)Long(root, "consumers"),
            root.GetProperty("durable").GetBoolean(),
            root.GetProperty("arguments").EnumerateObject().Count());
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>The name of every client connection but those whose client named them <paramref name="except"/>.</summary>
    public async Task<IReadOnlyList<string>> GetConnectionsAsync(params string[] except)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/connections"));
        return document.RootElement.EnumerateArray()
            .Where(connection => !(connection.TryGetProperty("user_provided_name", out var named) && except.Contains(named.GetString())))
            .Select(connection => connection.GetProperty("name").GetString()!)
            .ToList();
    }

    /// <summary>The broker's name for the connection its client named <paramref name="clientName"/>, if it is listed yet.</summary>
    public async Task<string?> FindConnectionAsync(string clientName)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/connections"));
        return document.RootElement.EnumerateArray()
            .Where(connection => connection.TryGetProperty("user_provided_name", out var named) && named.GetString() == clientName)
            .Select(connection => connection.GetProperty("name").GetString())
            .FirstOrDefault();
    }

    /// <summary>
    /// Turns the default vhost's firehose on or off, as <c>rabbitmqctl trace_on</c> does: the broker then copies every
    /// message it is sent, routable or not, to <c>amq.rabbitmq.trace</c>, keyed <c>publish.</c> and the exchange's name.
    /// The PUT also sets the vhost's description and tags, so it sends back those it has.
    /// </summary>
    public async Task SetTracingAsync(bool on)
    {
        using var vhost = JsonDocument.Parse(await _http.GetStringAsync("/api/vhosts/%2F"));
        var settings = new JsonObject
        {
            ["tracing"] = on,
            ["description"] = vhost.RootElement.TryGetProperty("description", out var description) ? description.GetString() : null,
            ["tags"] = vhost.RootElement.TryGetProperty("tags", out var tags) ? JsonNode.Parse(tags.GetRawText()) : null,
        };
        using var response = await _http.PutAsync("/api/vhosts/%2F", new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Closes a client's connection from the broker's side, as <c>rabbitmqctl close_connection</c> does.</summary>
    public async Task CloseConnectionAsync(string connectionName)
    {
        using var response = await _http.DeleteAsync($"/api/connections/{Uri.EscapeDataString(connectionName)}");
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            // Not found: it closed on its own meanwhile.
            response.EnsureSuccessStatusCode();
        }
    }

    private static long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public void Dispose() => _http.Dispose();
}
