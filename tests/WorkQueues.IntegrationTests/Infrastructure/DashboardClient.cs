using System.Text.Json;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Reads what the Aspire dashboard shows, through its JSON telemetry API.</summary>
public sealed class DashboardClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>One structured log record and the resource instance (e.g. <c>worker-abcd1234</c>) that wrote it.</summary>
    public sealed record LogRecord(string Service, string Instance, string Message);

    public async Task<bool> IsUpAsync()
    {
        using var response = await _http.GetAsync("/api/telemetry/resources");
        return response.IsSuccessStatusCode;
    }

    /// <summary>The instances (replicas) of a service that sent telemetry, by their resource names.</summary>
    public async Task<IReadOnlyList<string>> GetInstancesAsync(string service)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/telemetry/resources"));
        return document.RootElement.EnumerateArray()
            .Where(r => r.GetProperty("name").GetString() == service)
            .Select(r => r.GetProperty("displayName").GetString()!)
            .ToList();
    }

    /// <summary>The structured logs of one service's instances, or of every resource when <paramref name="service"/> is null.</summary>
    public async Task<IReadOnlyList<LogRecord>> GetLogsAsync(string? service)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/telemetry/logs?limit=100000"));
        var records = new List<LogRecord>();
        foreach (var resourceLogs in Array(document.RootElement.GetProperty("data"), "resourceLogs"))
        {
            var attributes = Attributes(resourceLogs.GetProperty("resource"));
            var name = attributes.GetValueOrDefault("service.name", "");
            if (service is not null && name != service)
            {
                // Filtered here: the API's resource filter wants one replica's name, not the service's. The API returns
                // the newest 200 records unless given a limit, hence the large one above.
                continue;
            }

            var instance = attributes.GetValueOrDefault("service.instance.id", name);
            foreach (var scope in Array(resourceLogs, "scopeLogs"))
            {
                foreach (var record in Array(scope, "logRecords"))
                {
                    if (record.TryGetProperty("body", out var body) && body.TryGetProperty("stringValue", out var text))
                    {
                        records.Add(new LogRecord(name, instance, text.GetString() ?? ""));
                    }
                }
            }
        }

        return records;
    }

    /// <summary>Waits until the workers logged <c> [x] Done</c> for each task; returns who did what.</summary>
    public async Task<IReadOnlyList<LogRecord>> WaitForDoneAsync(IEnumerable<string> tasks, TimeSpan timeout)
    {
        var expected = tasks.Select(t => $" [x] Done {t}").ToHashSet();
        var logs = await Eventually.ReturnsAsync(
            async () => new DoneSoFar(await GetLogsAsync("worker"), expected),
            seen => seen.Missing == 0,
            timeout,
            $"workers to finish {expected.Count} tasks");
        return logs.Records.Where(r => expected.Contains(r.Message)).ToList();
    }

    private sealed record DoneSoFar(IReadOnlyList<LogRecord> Records, HashSet<string> Expected)
    {
        public int Missing { get; } = Expected.Except(Records.Select(r => r.Message)).Count();

        public override string ToString() => $"{Missing} of {Expected.Count} not done yet";
    }

    /// <summary>One span as the dashboard holds it, with the resource instance that sent it.</summary>
    public sealed record Span(
        string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, int StatusCode,
        IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> LinkedTraceIds);

    /// <summary>OpenTelemetry span kinds as OTLP numbers them.</summary>
    public static class SpanKind
    {
        public const int Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5;
    }

    public async Task<IReadOnlyList<Span>> GetSpansAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/api/telemetry/traces?limit=100000"));
        var spans = new List<Span>();
        foreach (var resourceSpans in Array(document.RootElement.GetProperty("data"), "resourceSpans"))
        {
            var service = Attributes(resourceSpans.GetProperty("resource")).GetValueOrDefault("service.name", "");
            foreach (var scope in Array(resourceSpans, "scopeSpans"))
            {
                foreach (var span in Array(scope, "spans"))
                {
                    spans.Add(new Span(
                        service,
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() ?? "" : "",
                        span.GetProperty("name").GetString()!,
                        span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
                        span.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                        Attributes(span),
                        Array(span, "links").Select(link => link.GetProperty("traceId").GetString()!).ToList()));
                }
            }
        }

        return spans;
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static Dictionary<string, string> Attributes(JsonElement element) =>
        Array(element, "attributes").ToDictionary(
            a => a.GetProperty("key").GetString()!,
            a => a.GetProperty("value").TryGetProperty("stringValue", out var v) ? v.GetString() ?? "" : a.GetProperty("value").ToString());

    public void Dispose() => _http.Dispose();
}
