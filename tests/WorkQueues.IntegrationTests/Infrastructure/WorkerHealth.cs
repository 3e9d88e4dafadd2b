using System.Collections.Concurrent;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>A Worker replica's <c>/health</c>, asked once or watched.</summary>
public static class WorkerHealth
{
    /// <summary>Whether the Worker answers <c>Healthy</c> within 2 s.</summary>
    public static async Task<bool> IsHealthyAsync(Uri worker)
    {
        using var http = new HttpClient { BaseAddress = worker, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return await http.GetStringAsync("/health") == "Healthy";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Asks every 50 ms until <paramref name="stop"/>, keeping each answer (or error) in <paramref name="seen"/>.</summary>
    public static async Task ProbeAsync(Uri worker, ConcurrentQueue<string> seen, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = worker, Timeout = TimeSpan.FromSeconds(2) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("/health", stop);
                seen.Enqueue(await response.Content.ReadAsStringAsync(stop));
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException ex)
            {
                seen.Enqueue(ex.Message);
            }
        }
    }
}
