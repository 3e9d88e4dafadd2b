using System.Net;
using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests;

/// <summary>The RabbitMQ "Work Queues" tutorial, run against the whole system.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TutorialScenarioTests(AppHostFixture fixture)
{
    private static readonly string[] TutorialTasks =
        ["First message.", "Second message..", "Third message...", "Fourth message....", "Fifth message....."];

    [Fact]
    public async Task The_five_tutorial_tasks_are_each_processed_once_and_both_replicas_take_part()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var tasks = TutorialTasks.Select(t => $"{run} {t}").ToArray();
        using var producer = fixture.App.CreateProducerClient();

        foreach (var task in tasks)
        {
            using var response = await producer.PostAsync("/tasks", new StringContent(task, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var done = await fixture.App.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(
            async () => await fixture.Management.GetQueueAsync() is { Ready: 0, Unacknowledged: 0 },
            TimeSpan.FromSeconds(30),
            "task_queue to be empty");

        Assert.All(tasks, task => Assert.Single(done, record => record.Message == $" [x] Done {task}"));
        Assert.Equal(2, done.Select(record => record.Instance).Distinct().Count());
    }

    [Fact]
    public async Task A_task_published_exactly_as_the_tutorials_new_task_does_is_processed()
    {
        var task = $"Plain tutorial publisher {Guid.NewGuid():N}..";
        var factory = new ConnectionFactory { Uri = fixture.App.BrokerUri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // new_task.py: a plain durable declare (it must agree with ours), a persistent UTF-8 body, no headers.
            await channel.QueueDeclareAsync("task_queue", durable: true, exclusive: false, autoDelete: false, arguments: null);
            await channel.BasicPublishAsync(string.Empty, "task_queue", mandatory: false,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(task));
        }

        var done = await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));

        Assert.Single(done);
    }

    [Fact]
    public async Task The_producers_command_line_mode_sends_a_task_a_worker_processes()
    {
        var words = new[] { "CLI", Guid.NewGuid().ToString("N"), "message." };

        var result = await ProducerCli.RunAsync([.. words, "--broker", fixture.App.BrokerUri.ToString()]);

        Assert.True(result.ExitCode == 0, result.Error);
        var task = string.Join(' ', words);
        Assert.Equal($" [x] Sent {task}", result.Output.TrimEnd());
        await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_batch_is_confirmed_as_a_whole_and_every_task_in_it_is_processed()
    {
        var tasks = Enumerable.Range(0, 20).Select(i => $"batch {Guid.NewGuid():N} {i}").ToArray();
        using var producer = fixture.App.CreateProducerClient();

        using var response = await producer.PostAsync("/tasks/batch",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(tasks), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(20, body.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()).Distinct().Count());
        await fixture.App.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(60));
    }
}
