using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace WorkQueues.IntegrationTests;

/// <summary>The Producer's limits: each refuses with a ProblemDetails that says why, and loses nothing it accepted.</summary>
[Collection(ProducerCollection.Name)]
public sealed class ProducerLimitsTests(ProducerFixture fixture)
{
    [Fact]
    public async Task Past_the_rate_limit_posts_get_429_with_retry_after_and_every_202_is_at_the_broker()
    {
        await using var producer = fixture.Start(new Dictionary<string, string?>
        {
            ["Producer:RateLimit:PermitLimit"] = "5",
            ["Producer:RateLimit:Window"] = "00:01:00",
            ["Producer:RateLimit:QueueLimit"] = "0",
        });
        using var client = producer.Client(ProducerHost.ApiKey);
        await fixture.PurgeAsync();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var refusals = new ConcurrentBag<(string? RetryAfter, string? Type, string Body)>();

        await Parallel.ForAsync(0, 20, async (i, cancellationToken) =>
        {
            using var response = await client.PostAsync("/tasks", new StringContent($"Limited {i}", Encoding.UTF8, "text/plain"), cancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusals.Add((response.Headers.RetryAfter?.ToString(), response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(cancellationToken)));
            }
        });

        var accepted = statuses.Count(s => s == HttpStatusCode.Accepted);
        Assert.Equal(5, accepted);
        Assert.Equal(15, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(refusals, r =>
        {
            Assert.True(int.TryParse(r.RetryAfter, out var seconds) && seconds is > 0 and <= 60, $"Retry-After: {r.RetryAfter}");
            Assert.Equal("application/problem+json", r.Type);
            Assert.Contains("Producer:RateLimit", r.Body);
        });
        Assert.Equal((uint)accepted, await fixture.CountAsync());
    }

    [Fact]
    public async Task A_batch_of_a_hundred_thousand_tasks_is_refused_while_read_without_the_memory_to_hold_it()
    {
        await using var producer = fixture.Start(new Dictionary<string, string?> { ["Producer:MaxBatchSize"] = "1000" });
        using var client = producer.Client(ProducerHost.ApiKey);
        await fixture.PurgeAsync();
        using var warmUp = await client.PostAsync("/tasks/batch", new StringContent("[\"warm up\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, warmUp.StatusCode);

        // 100,000 tasks of 100 characters, about 10 MB, generated as sent: held whole as strings they would take 23 MB.
        // Allocations are counted for the whole test process, where other collections run meanwhile (a CI run counted
        // 7 MB once): what they add only raises a count, so the cheapest of three refusals is the closest to its own.
        const long Limit = 6 * 1024 * 1024;
        var cheapest = long.MaxValue;
        for (var attempt = 0; attempt < 3 && cheapest >= Limit; attempt++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            using var response = await client.PostAsync("/tasks/batch", new GeneratedBatchContent(100_000, 100));
            cheapest = Math.Min(cheapest, GC.GetTotalAllocatedBytes(precise: true) - before);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("more than 1000 tasks", await response.Content.ReadAsStringAsync());
        }

        Assert.True(cheapest < Limit, $"the cheapest of three refused batches cost {cheapest / 1024 / 1024.0:0.0} MB of allocations");
        Assert.Equal(1u, await fixture.CountAsync()); // the warm-up task alone
    }

    [Fact]
    public async Task A_batch_larger_than_its_route_allows_gets_413_and_queues_nothing()
    {
        await using var producer = fixture.Start(new Dictionary<string, string?> { ["Producer:MaxBatchBytes"] = "4096" });
        using var client = producer.Client(ProducerHost.ApiKey);
        await fixture.PurgeAsync();

        using var response = await client.PostAsync("/tasks/batch", new GeneratedBatchContent(100, 100));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Producer:MaxBatchBytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(0u, await fixture.CountAsync());
    }

    [Fact]
    public async Task Past_the_most_event_streams_a_new_one_gets_503_and_open_ones_get_keep_alives()
    {
        await using var producer = fixture.Start(new Dictionary<string, string?>
        {
            ["Producer:MaxEventSubscribers"] = "2",
            ["Producer:EventKeepAlive"] = "00:00:00.200",
        });
        using var client = producer.Client(ProducerHost.ApiKey);
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var first = new StreamReader(await client.GetStreamAsync("/tasks/events", timeout.Token));
        using var second = new StreamReader(await client.GetStreamAsync("/tasks/events", timeout.Token));
        Assert.Equal("event: ready", await first.ReadLineAsync(timeout.Token));
        Assert.Equal("event: ready", await second.ReadLineAsync(timeout.Token));

        using var third = await client.GetAsync("/tasks/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.Contains("Producer:MaxEventSubscribers", await third.Content.ReadAsStringAsync(timeout.Token));

        string? line;
        while ((line = await first.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith(':'))
        {
        }

        Assert.Equal(": keep-alive", line);
    }

    /// <summary>
    /// A JSON array of <paramref name="count"/> tasks (a multiple of 100), written as it is sent from one small buffer,
    /// with no length given (chunked).
    /// </summary>
    private sealed class GeneratedBatchContent : HttpContent
    {
        private readonly int count;
        private readonly int length;

        public GeneratedBatchContent(int count, int length)
        {
            (this.count, this.length) = (count, length);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var item = Encoding.UTF8.GetBytes("\"" + new string('x', length) + "\",");
            var chunk = new byte[item.Length * 100];
            for (var i = 0; i < 100; i++)
            {
                item.CopyTo(chunk, i * item.Length);
            }

            await stream.WriteAsync("["u8.ToArray());
            for (var written = 0; written < count; written += 100)
            {
                await stream.WriteAsync(chunk.AsMemory(0, written + 100 >= count ? chunk.Length - 1 : chunk.Length));
            }

            await stream.WriteAsync("]"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
