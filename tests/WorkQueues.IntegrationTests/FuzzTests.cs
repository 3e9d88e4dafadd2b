using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RabbitMQ.Client;
using WorkQueues.Tasks;
using Xunit.Abstractions;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// Thousands of generated bad and odd inputs: the Producer answers each with a documented status, never a 5xx but the
/// 503 of a confirm that came too late (which a retry gets past), and the workers dead-letter what they cannot read
/// without crashing or looping.
/// </summary>
[Collection(ChaosCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class FuzzTests(ChaosFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Seed = 20261128;

    public Task InitializeAsync() => fixture.RestoreWorkersAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Ten_thousand_generated_requests_get_only_documented_answers()
    {
        var random = new Random(Seed);
        var requests = Enumerable.Range(0, 10_000).Select(_ => Generate(random)).ToList();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var workersBefore = fixture.WorkerProcesses();
        using var producer = fixture.App.CreateProducerClient();

        var unavailable = 0;
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (request, cancellationToken) =>
        {
            // A 503 is the documented "not confirmed in time, try again" (this AppHost's PublishTimeout is 2 s, and two
            // test lanes share two cores): the request is sent again as its Retry-After says, as a client does. Bad
            // input is refused before the broker, so only a request accepted in the end may have met one.
            HttpResponseMessage response;
            var metUnavailable = false;
            for (var attempt = 1; ; attempt++)
            {
                using var content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    content.Headers.ContentType = MediaTypeHeaderValue.Parse(request.ContentType);
                }

                response = await producer.PostAsync(request.Path, content, cancellationToken);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 5)
                {
                    break;
                }

                metUnavailable = true;
                Interlocked.Increment(ref unavailable);
                TimeSpan retryAfter;
                using (response)
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    retryAfter = Assert.IsType<TimeSpan>(response.Headers.RetryAfter?.Delta);
                }

                await Task.Delay(TimeSpan.FromTicks(Math.Min(retryAfter.Ticks, TimeSpan.FromSeconds(1).Ticks)), cancellationToken);
            }

            using (response)
            {
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                Assert.True(
                    response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType,
                    $"{request.Kind} got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                Assert.True(!metUnavailable || response.StatusCode == HttpStatusCode.Accepted, $"{request.Kind} got 503 before {(int)response.StatusCode}");
            }
        });

        output.WriteLine($"{unavailable} answers of 503, each sent again");
        output.WriteLine(string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}")));
        Assert.Equal(workersBefore.Order(), fixture.WorkerProcesses().Order());
    }

    [Fact]
    public async Task Foreign_messages_are_dead_lettered_and_no_worker_crashes()
    {
        var random = new Random(Seed);
        var limits = new TaskOptions();
        await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.QueuePurgeAsync("task_queue.dead");
        var workersBefore = fixture.WorkerProcesses();

        var unreadable = 0;
        for (var i = 0; i < 500; i++)
        {
            var body = new byte[random.Next(0, 64)];
            random.NextBytes(body);
            if (!TaskText.Validate(body, limits).IsValid)
            {
                unreadable++;
            }

            // No properties at all, or odd ones a foreign client might send.
            var properties = random.Next(3) switch
            {
                0 => new BasicProperties(),
                1 => new BasicProperties { ContentType = "application/octet-stream", Headers = new Dictionary<string, object?> { ["x-attempt"] = "not a number" } },
                _ => new BasicProperties { Headers = new Dictionary<string, object?> { ["x-attempt"] = 999 }, DeliveryMode = DeliveryModes.Transient },
            };
            await channel.BasicPublishAsync(string.Empty, "task_queue", mandatory: true, properties, body);
        }

        output.WriteLine($"{unreadable} of 500 foreign messages cannot be read as tasks");
        await Eventually.HoldsAsync(
            async () => (await channel.QueueDeclarePassiveAsync("task_queue.dead")).MessageCount >= (uint)unreadable
                && (await channel.QueueDeclarePassiveAsync("task_queue")).MessageCount == 0,
            TimeSpan.FromSeconds(60),
            $"{unreadable} dead letters and an empty task_queue");
        Assert.Equal(workersBefore.Order(), fixture.WorkerProcesses().Order());
        await fixture.WaitForConsumersAsync(2);
    }

    private sealed record FuzzRequest(string Kind, string Path, string? ContentType, byte[] Body);

    private static FuzzRequest Generate(Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return new("random bytes", "/tasks", "text/plain", Bytes(random, random.Next(0, 300)));
            case 1:
                return new("invalid UTF-8", "/tasks", "text/plain", [.. "task "u8.ToArray(), (byte)random.Next(0x80, 0x100), (byte)random.Next(0xc0, 0x100)]);
            case 2:
                return new("absurd dots", "/tasks", "text/plain", Encoding.UTF8.GetBytes(new string('.', random.Next(601, 20_000))));
            case 3:
                return new("wrong content type", "/tasks", Pick(random, "application/json", "image/png", "text/plain; charset=latin1", "application/x-www-form-urlencoded"), Bytes(random, 20));
            case 4:
                return random.Next(50) == 0
                    ? new("huge body", "/tasks", "text/plain", Encoding.UTF8.GetBytes(new string('a', random.Next(65_537, 400_000))))
                    : new("empty or blank", "/tasks", Pick(random, "text/plain", null), Encoding.UTF8.GetBytes(new string(' ', random.Next(0, 3))));
            case 5:
                return new("malformed batch", "/tasks/batch", "application/json", Bytes(random, random.Next(0, 100)));
            case 6:
                return new("odd batch JSON", "/tasks/batch", "application/json", Encoding.UTF8.GetBytes(Pick(random,
                    "[", "[null]", "[[\"a\"]]", "{\"tasks\":[\"a\"]}", "[\"a\",1]", "\"a\"", "[\"\\ud800\"]", "[" + string.Join(',', Enumerable.Repeat("\"x\"", 10_001)) + "]")));
            case 7:
                return new("batch with a bad task", "/tasks/batch", "application/json", Encoding.UTF8.GetBytes($"[\"fine\", \"{new string('.', 700)}\"]"));
            default:
                // Valid tasks without dots, so the workers keep up.
                return new("valid", "/tasks", "text/plain", Encoding.UTF8.GetBytes($"fuzz {random.Next()}"));
        }
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];
}
