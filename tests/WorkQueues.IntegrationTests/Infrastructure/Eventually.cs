using RabbitMQ.Client.Exceptions;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Waits on a condition, polling, until it holds or the time is up: no sleeps-and-hope.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        object? last = null;
        while (true)
        {
            try
            {
                var value = await probe();
                if (condition(value))
                {
                    return value;
                }

                last = value is System.Collections.IEnumerable items and not string ? $"[{string.Join(", ", items.Cast<object>())}]" : value;
            }
            catch (HttpRequestException ex)
            {
                // A service that is still starting refuses connections: not yet, rather than failed.
                last = ex.Message;
            }
            catch (BrokerUnreachableException ex)
            {
                // A broker that is (re)starting: not yet either.
                last = ex.Message;
            }
            catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
            {
                // One request past its HttpClient's timeout (a busy dashboard or a node going down): not yet either.
                last = ex.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}. Last seen: {last}");
            }

            await Task.Delay(250);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ReturnsAsync(condition, ok => ok, timeout, what);
}
