using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;
using Xunit.Abstractions;

namespace WorkQueues.IntegrationTests.Cluster;

/// <summary>
/// Three real nodes, one SIGKILLed under load: quorum queues keep every accepted task, the services move to the
/// surviving nodes, and the node comes back into the cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterChaosTests(ClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_accepted_task_survives_killing_the_node_that_leads_task_queue()
    {
        output.WriteLine($"AppHost with {ClusterFixture.Nodes} nodes started in {fixture.StartupTime}");
        var before = await fixture.QueueAsync("task_queue");
        Assert.Equal("quorum", before.Type);
        Assert.Equal(ClusterFixture.Nodes, before.Members.Count);
        var victim = Enumerable.Range(1, ClusterFixture.Nodes).Single(i => fixture.NodeName(i) == before.Leader);
        var survivors = Enumerable.Range(1, ClusterFixture.Nodes).Where(i => i != victim).ToArray();

        // Completions seen over AMQP through a node that stays up: when processing resumed.
        var completedAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var survivorUri = new UriBuilder(fixture.App.BrokerUri) { Port = fixture.AmqpPort + survivors[0] - 1 }.Uri;
        await using var connection = await new ConnectionFactory { Uri = survivorUri }.CreateConnectionAsync();
        await using var events = await connection.CreateChannelAsync();
        await events.DeclareEventsExchangeAsync();
        var eventQueue = await events.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        await events.QueueBindAsync(eventQueue.QueueName, TaskQueueTopology.EventsExchangeName, string.Empty);
        var consumer = new AsyncEventingBasicConsumer(events);
        consumer.ReceivedAsync += (_, message) =>
        {
            foreach (var completed in TaskEvent.FromJson(message.Body.Span).Where(e => e.State == TaskEvent.States.Completed))
            {
                completedAt.TryAdd(completed.Id, completed.At);
            }

            return Task.CompletedTask;
        };
        await events.BasicConsumeAsync(eventQueue.QueueName, autoAck: true, consumer);

        var run = Guid.NewGuid().ToString("N")[..8];
        var accepted = new List<string>();
        var acceptedAfterKill = new List<string>();
        var refused = 0;
        var killedAt = DateTimeOffset.MinValue;
        using var producer = fixture.App.CreateProducerClient();
        producer.Timeout = fixture.PublishTimeout + TimeSpan.FromSeconds(30);
        for (var batch = 0; batch < 25; batch++)
        {
            if (batch == 5)
            {
                Process.GetProcessById(fixture.NodePid(victim)).Kill();
                killedAt = DateTimeOffset.UtcNow;
                output.WriteLine($"{killedAt:O}: SIGKILLed node {victim} ({fixture.NodeName(victim)}), leader of task_queue");
            }

            var tasks = Enumerable.Range(0, 100).Select(i => $"cluster {run} {batch}-{i}.").ToList();
            var clock = Stopwatch.StartNew();
            using var response = await producer.PostAsJsonAsync("/tasks/batch", tasks);
            Assert.True(clock.Elapsed < fixture.PublishTimeout + TimeSpan.FromSeconds(3), $"batch {batch} took {clock.Elapsed}");
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted.AddRange(tasks);
                if (batch >= 5)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    acceptedAfterKill.AddRange(body.RootElement.EnumerateArray().Select(task => task.GetProperty("id").GetString()!));
                }
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                refused++;
                output.WriteLine($"batch {batch}: 503 after {clock.Elapsed}");
            }
        }

        output.WriteLine($"{accepted.Count} tasks accepted, {refused} batches refused");
        Assert.True(accepted.Count >= 2_000, $"only {accepted.Count} accepted");

        // Resumed: a task published after the kill was done, by whichever worker, on whichever node.
        await Eventually.HoldsAsync(
            () => Task.FromResult(acceptedAfterKill.Any(completedAt.ContainsKey)), TimeSpan.FromSeconds(30), "a task accepted after the kill to complete");
        var resumedAfter = acceptedAfterKill.Where(completedAt.ContainsKey).Min(id => completedAt[id]) - killedAt;
        output.WriteLine($"first task accepted after the kill completed {resumedAfter.TotalSeconds:0.0} s after it");
        Assert.True(resumedAfter < TimeSpan.FromSeconds(15), $"resumed {resumedAfter} after the kill");

        // The node comes back (the dashboard's Start), rejoins, and task_queue has all its members online again.
        var node = fixture.App.Resource($"messaging-{victim}");
        Assert.True((await fixture.App.App.ResourceCommands.ExecuteCommandAsync(node, KnownResourceCommands.StartCommand)).Success);
        using (var healthy = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await fixture.App.App.ResourceNotifications.WaitForResourceHealthyAsync(node.Name, healthy.Token);
        }

        await Eventually.HoldsAsync(
            async () => (await fixture.QueueAsync("task_queue", survivors)).Online.Count == ClusterFixture.Nodes,
            TimeSpan.FromSeconds(60),
            "task_queue back to 3 members online");

        // Every accepted task was done (or dead-lettered with its reason); duplicates are allowed (at-least-once).
        var done = await fixture.App.WaitForDoneAsync(accepted, TimeSpan.FromSeconds(180));
        Assert.All(accepted, task => Assert.Contains(done, r => r.Message == $" [x] Done {task}"));

        using (var healthy = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await fixture.App.App.ResourceNotifications.WaitForResourceHealthyAsync("messaging", healthy.Token);
        }

        await Eventually.HoldsAsync(async () => await producer.GetStringAsync("/health") == "Healthy", TimeSpan.FromSeconds(30), "the producer healthy");
        foreach (var worker in fixture.WorkerUrls())
        {
            using var http = new HttpClient { BaseAddress = worker };
            await Eventually.HoldsAsync(async () => await http.GetStringAsync("/health") == "Healthy", TimeSpan.FromSeconds(30), $"worker {worker} healthy");
        }
    }
}
