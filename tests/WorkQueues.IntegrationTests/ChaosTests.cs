using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// Promises that must hold when things break, on real processes: every task the Producer accepted is done at least
/// once, whatever is killed or restarted meanwhile.
/// </summary>
[Collection(ChaosCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class ChaosTests(ChaosFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.RestoreWorkersAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task On_sigterm_workers_finish_the_task_in_hand_and_ack_it_once()
    {
        var task = $"Drain {Guid.NewGuid():N} {new string('.', 150)}"; // 7.5 s of work, short enough to be logged whole
        await using var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Eventually.HoldsAsync(
            async () => await fixture.Management.GetQueueAsync() is { Ready: 0, Unacknowledged: 0 },
            TimeSpan.FromSeconds(60),
            "the workers to be idle");

        using var producer = fixture.App.CreateProducerClient();
        using (var response = await producer.PostAsync("/tasks", Text(task)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Read over AMQP, exact now: nothing ready means a worker has taken the task. The management API's "idle"
        // above is seconds old, so a Worker may still be finishing an earlier test's task.
        await Eventually.HoldsAsync(
            async () => (await channel.QueueDeclarePassiveAsync("task_queue")).MessageCount == 0,
            TimeSpan.FromSeconds(20),
            "a worker to take the task");

        var workers = fixture.WorkerProcesses();
        foreach (var pid in workers)
        {
            Process.Start("kill", ["-TERM", pid.ToString()])!.WaitForExit();
        }

        // Both stop taking tasks; the one holding the task finishes it inside the shutdown timeout, acks it, exits.
        await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(
            () => Task.FromResult(fixture.WorkerProcesses().Count == 0),
            TimeSpan.FromSeconds(30),
            "both workers to exit");
        // With no consumer left nothing can be unacked, so an empty queue now means the task was acked, not requeued.
        var queue = await channel.QueueDeclarePassiveAsync("task_queue");
        Assert.Equal(0u, queue.ConsumerCount);
        Assert.Equal(0u, queue.MessageCount);
        Assert.Single(await fixture.App.Dashboard.GetLogsAsync("worker"), r => r.Message == $" [x] Done {task}");
    }

    [Fact]
    public async Task With_the_broker_stopped_the_producer_answers_503_in_time_and_recovers_when_it_is_back()
    {
        var broker = fixture.App.Resource("messaging");
        using var producer = fixture.App.CreateProducerClient();
        var commands = fixture.App.App.ResourceCommands;

        Assert.True((await commands.ExecuteCommandAsync(broker, KnownResourceCommands.StopCommand)).Success);
        try
        {
            var clock = Stopwatch.StartNew();
            using var refused = await producer.PostAsync("/tasks", Text("while the broker is down"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            await Eventually.HoldsAsync(
                async () => (await producer.GetAsync("/health")).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(30),
                "the producer's /health to turn unhealthy");
        }
        finally
        {
            Assert.True((await commands.ExecuteCommandAsync(broker, KnownResourceCommands.StartCommand)).Success);
        }

        // Connections and consumers come back by themselves: both workers consume again and a new task is done.
        await fixture.WaitForConsumersAsync(fixture.WorkerProcesses().Count);
        var task = $"after the outage {Guid.NewGuid():N}";
        await Eventually.HoldsAsync(
            async () => (await producer.PostAsync("/tasks", Text(task))).StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(30),
            "the producer to accept tasks again");
        await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));
        Assert.Equal("Healthy", await producer.GetStringAsync("/health"));
    }

    [Fact]
    public async Task A_thousand_tasks_survive_a_killed_worker_and_a_broker_restart()
    {
        const int Tasks = 1_000, BatchSize = 50;
        var run = Guid.NewGuid().ToString("N")[..8];
        var accepted = new Dictionary<string, string>(); // id → task
        var beforeKill = new HashSet<string>();
        using var producer = fixture.App.CreateProducerClient();
        var clock = Stopwatch.StartNew();
        await using (var connection = await new RabbitMQ.Client.ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // Other tests leave dead letters on purpose; this one must see none of its own.
            await channel.QueuePurgeAsync("task_queue.dead");
        }

        for (var batch = 0; batch < Tasks / BatchSize; batch++)
        {
            if (batch == 6)
            {
                // SIGKILL: no shutdown, no nack; the broker must hand the worker's unacked task to the other one.
                beforeKill.UnionWith(accepted.Values);
                var victim = fixture.WorkerProcesses()[0];
                Process.GetProcessById(victim).Kill();
                output.WriteLine($"{clock.Elapsed}: killed worker process {victim}");
            }

            if (batch == 12)
            {
                var restart = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), KnownResourceCommands.RestartCommand);
                Assert.True(restart.Success, restart.Message);
                output.WriteLine($"{clock.Elapsed}: restarted the broker");
            }

            var tasks = Enumerable.Range(batch * BatchSize, BatchSize).Select(i => $"chaos {run} {i}").ToArray();
            foreach (var (id, task) in await PostUntilAcceptedAsync(producer, tasks))
            {
                accepted[id] = task;
            }
        }

        output.WriteLine($"{clock.Elapsed}: {accepted.Count} tasks accepted");
        Assert.Equal(Tasks, accepted.Count);

        // Evidence of work is the workers' " [x] Done" log lines. The killed worker's last lines die with it (they
        // were still in its export buffer), so tasks it may have finished just before the kill can lack theirs.
        // Every task accepted after the kill must show up, and the broker must hold nothing: a task leaves
        // task_queue only by an ack after its work, or as a dead letter.
        var afterKill = accepted.Values.Except(beforeKill).ToList();
        var done = await fixture.App.WaitForDoneAsync(afterKill, TimeSpan.FromSeconds(120));
        await Eventually.HoldsAsync(
            async () => await fixture.Management.GetQueueAsync() is { Ready: 0, Unacknowledged: 0 }
                && await fixture.Management.GetQueueAsync("task_queue.dead") is { Ready: 0, Unacknowledged: 0 },
            TimeSpan.FromSeconds(60),
            "task_queue and task_queue.dead to be empty");

        var all = (await fixture.App.Dashboard.GetLogsAsync("worker")).Select(r => r.Message).ToList();
        var unseen = accepted.Values.Where(task => !all.Contains($" [x] Done {task}")).ToList();
        var duplicates = all.Where(m => m.StartsWith($" [x] Done chaos {run} ", StringComparison.Ordinal)).GroupBy(m => m).Count(g => g.Count() > 1);
        output.WriteLine($"{clock.Elapsed}: queue empty; {accepted.Count - unseen.Count} tasks logged done, {unseen.Count} " +
            $"without a log line (all from before the kill), {duplicates} done more than once (at-least-once allows it)");

        Assert.All(afterKill, task => Assert.Contains(done, r => r.Message == $" [x] Done {task}"));
        Assert.All(unseen, task => Assert.Contains(task, beforeKill));
    }

    /// <summary>Posts a batch, waiting out 503s as a client should (Retry-After); returns the ids it got a 202 for.</summary>
    private static async Task<IEnumerable<(string Id, string Task)>> PostUntilAcceptedAsync(HttpClient producer, string[] tasks)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            using var response = await producer.PostAsync("/tasks/batch", new StringContent(JsonSerializer.Serialize(tasks), Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return body.RootElement.EnumerateArray().Select((t, i) => (t.GetProperty("id").GetString()!, tasks[i])).ToList();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException("The producer did not accept the batch within 30 tries.");
    }

    private static StringContent Text(string task) => new(task, Encoding.UTF8, "text/plain");
}
