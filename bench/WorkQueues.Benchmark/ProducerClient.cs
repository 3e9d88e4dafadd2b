using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace WorkQueues.Benchmark;

/// <summary>Sends tasks to a running Producer over HTTP, as many clients would: keep-alive connections, in parallel.</summary>
public sealed class ProducerClient(Uri producer, string apiKey) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = BenchSettings.HttpClients,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    {
        BaseAddress = producer,
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { { "X-Api-Key", apiKey } },
    };

    /// <summary>Posts tasks one per request from <paramref name="clients"/> concurrent clients; every answer must be 202.</summary>
    public async Task<Rate> PostEachAsync(int count, int clients, Func<int, string> text)
    {
        var next = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var response = await _http.PostAsync("/tasks", new StringContent(text(i), Encoding.UTF8, "text/plain"));
                EnsureAccepted(response);
            }
        }));
        return Rate.From(count, clock.Elapsed);
    }

    /// <summary>Posts tasks in batches of <paramref name="batchSize"/> from <paramref name="clients"/> concurrent clients.</summary>
    public async Task<Rate> PostBatchesAsync(int count, int batchSize, int clients, Func<int, string> text)
    {
        var batches = (count + batchSize - 1) / batchSize;
        var next = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var first = b * batchSize;
                var tasks = Enumerable.Range(first, Math.Min(batchSize, count - first)).Select(text).ToArray();
                using var response = await _http.PostAsJsonAsync("/tasks/batch", tasks);
                EnsureAccepted(response);
            }
        }));
        return Rate.From(count, clock.Elapsed);
    }

    /// <summary>Posts one task until the Producer accepts it; the time it took from the Producer's start.</summary>
    public async Task WaitUntilAcceptingAsync(ServiceProcess service, TimeSpan timeout)
    {
        while (true)
        {
            service.EnsureRunning();
            try
            {
                using var response = await _http.PostAsync("/tasks", new StringContent("first", Encoding.UTF8, "text/plain"));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (service.SinceStart.Elapsed > timeout)
            {
                throw new TimeoutException($"{service.Name} did not accept a task within {timeout.TotalSeconds:0} s:\n{service.RecentOutput}");
            }

            await Task.Delay(20);
        }
    }

    private static void EnsureAccepted(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The Producer answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().Result}");
        }
    }

    public void Dispose() => _http.Dispose();
}
