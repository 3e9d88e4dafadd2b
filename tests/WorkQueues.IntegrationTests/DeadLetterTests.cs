using System.Net;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests;

/// <summary>Failed tasks are retried through delay queues, then dead-lettered with the reason; nothing loops forever.</summary>
[Collection(AppHostCollection.Name)]
public sealed class DeadLetterTests(AppHostFixture fixture)
{
    [Fact]
    public async Task A_task_that_fails_once_is_retried_and_done()
    {
        var task = $"Flaky {Guid.NewGuid():N} !fail1";
        await fixture.App.PostTaskAsync(task);

        var done = await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));

        Assert.Single(done);
    }

    [Fact]
    public async Task A_poison_task_gets_max_attempts_then_waits_in_the_dead_letter_queue_with_the_reason()
    {
        var task = $"Poison {Guid.NewGuid():N} !fail";
        await fixture.App.PostTaskAsync(task);

        var dead = await WaitForDeadLetterAsync(task);

        Assert.Equal(5, Convert.ToInt32(dead.BasicProperties.Headers!["x-attempt"]));
        Assert.Contains("Failed 5 attempts", Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers["x-dead-reason"]!));
        Assert.True(dead.BasicProperties.Headers.ContainsKey("x-dead-at"));
        Assert.Equal(DeliveryModes.Persistent, dead.BasicProperties.DeliveryMode);
    }

    [Fact]
    public async Task A_message_no_worker_can_read_is_dead_lettered_at_once_with_the_reason()
    {
        var marker = Encoding.UTF8.GetBytes($"unreadable {Guid.NewGuid():N} ");
        byte[] body = [.. marker, 0xff, 0xfe];
        var factory = new ConnectionFactory { Uri = fixture.App.BrokerUri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.BasicPublishAsync(string.Empty, "task_queue", body);
        }

        var dead = await WaitForDeadLetterAsync(body);

        Assert.Contains("not valid UTF-8", Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers!["x-dead-reason"]!));
        Assert.Equal(1, Convert.ToInt32(dead.BasicProperties.Headers["x-attempt"]));
    }

    [Fact]
    public async Task Dead_letters_are_listed_by_the_api_and_requeued_for_fresh_attempts()
    {
        var task = $"Requeue me {Guid.NewGuid():N} !fail";
        var id = await fixture.App.PostTaskAsync(task);
        using var producer = fixture.App.CreateProducerClient();

        var listed = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await producer.GetStringAsync("/dead-letters?limit=1000")),
            page => page.RootElement.GetProperty("oldest").EnumerateArray().Any(l => l.GetProperty("task").GetString() == task),
            TimeSpan.FromSeconds(30),
            "the poison task in GET /dead-letters");
        var letter = listed.RootElement.GetProperty("oldest").EnumerateArray().Single(l => l.GetProperty("task").GetString() == task);
        Assert.Equal(5, letter.GetProperty("attempts").GetInt32());
        Assert.Contains("Failed 5 attempts", letter.GetProperty("reason").GetString());
        // The count is of every letter, those held while they were listed too: at least what the queue held just before.
        uint before;
        await using (var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            before = (await channel.QueueDeclarePassiveAsync(TaskQueueTopology.DeadLetterQueueName)).MessageCount;
        }

        using var counted = JsonDocument.Parse(await producer.GetStringAsync("/dead-letters?limit=1000"));
        Assert.True(counted.RootElement.GetProperty("count").GetInt32() >= before, $"a count below the {before} letters the queue held");

        // Peeking left it there; requeueing gives it five fresh attempts, which it fails again.
        using var requeue = await producer.PostAsync("/dead-letters/requeue", content: null);
        Assert.Equal(HttpStatusCode.OK, requeue.StatusCode);
        Assert.True(JsonDocument.Parse(await requeue.Content.ReadAsStringAsync()).RootElement.GetProperty("requeued").GetInt32() >= 1);
        // The task goes on in its own trace, and the request that requeued it links to that trace.
        using var status = JsonDocument.Parse(await producer.GetStringAsync($"/tasks/{id}"));
        var trace = status.RootElement.GetProperty("traceId").GetString();
        await Eventually.HoldsAsync(
            async () => (await fixture.App.Dashboard.GetSpansAsync()).Any(span =>
                span.Service == "producer" && span.Name.EndsWith("/dead-letters/requeue", StringComparison.Ordinal) && span.LinkedTraceIds.Contains(trace)),
            TimeSpan.FromSeconds(30),
            $"the requeue request's span linked to the task's trace {trace}");
        await Eventually.HoldsAsync(
            async () => (await fixture.App.Dashboard.GetLogsAsync("worker")).Count(r => r.Message.StartsWith("Task failed on attempt 1 ", StringComparison.Ordinal) && r.Message.EndsWith(task, StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(30),
            "a second first attempt of the requeued task");
        await WaitForDeadLetterAsync(task);
    }

    [Theory]
    [InlineData("text", 0)]
    [InlineData("negative", 0)]
    [InlineData("past an int", int.MaxValue)]
    public async Task A_dead_letter_another_client_wrote_with_an_odd_attempt_is_listed(string attempt, int listed)
    {
        var task = $"Foreign dead letter {Guid.NewGuid():N}";
        object value = attempt switch { "text" => Encoding.UTF8.GetBytes("3"), "negative" => -1, _ => (long)int.MaxValue + 1 };
        await using (var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            var properties = TaskMessage.CreateProperties(TaskMessage.NewId(), DateTimeOffset.UtcNow);
            properties.Headers = new Dictionary<string, object?> { [TaskQueueTopology.AttemptHeader] = value };
            await channel.BasicPublishAsync(string.Empty, TaskQueueTopology.DeadLetterQueueName, mandatory: true, properties, TaskText.Encode(task));
        }

        using var producer = fixture.App.CreateProducerClient();
        // Listed, not a 500 (Convert.ToInt32 threw on a text and on a long past an int).
        using var page = JsonDocument.Parse(await producer.GetStringAsync("/dead-letters?limit=1000"));
        var letter = page.RootElement.GetProperty("oldest").EnumerateArray().Single(l => l.GetProperty("task").GetString() == task);
        Assert.Equal(listed, letter.GetProperty("attempts").GetInt32());
        await WaitForDeadLetterAsync(task); // taken away, so no later requeue hands it to a Worker
    }

    [Fact]
    public async Task The_dashboard_command_requeues_dead_letters()
    {
        var task = $"Command requeue {Guid.NewGuid():N} !fail";
        await fixture.App.PostTaskAsync(task);
        using var producer = fixture.App.CreateProducerClient();

        await Eventually.HoldsAsync(
            async () => JsonDocument.Parse(await producer.GetStringAsync("/dead-letters?limit=1000")).RootElement.GetProperty("oldest")
                .EnumerateArray().Any(l => l.GetProperty("task").GetString() == task),
            TimeSpan.FromSeconds(30),
            "the poison task in the dead-letter queue");

        var result = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(
            fixture.App.Resource("messaging"), WorkQueues.AppHost.Messaging.QueueCommandsExtensions.RequeueDeadLettersCommand);

        Assert.True(result.Success, result.Message);
        Assert.Matches("^[1-9][0-9]* dead letters moved back to task_queue", result.Message);
        await WaitForDeadLetterAsync(task);
    }

    private Task<BasicGetResult> WaitForDeadLetterAsync(string task) => WaitForDeadLetterAsync(Encoding.UTF8.GetBytes(task));

    /// <summary>Takes dead letters until this one turns up; others are put back.</summary>
    private async Task<BasicGetResult> WaitForDeadLetterAsync(byte[] body)
    {
        var factory = new ConnectionFactory { Uri = fixture.App.BrokerUri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await Eventually.ReturnsAsync(
            async () =>
            {
                var others = new List<ulong>();
                try
                {
                    while (await channel.BasicGetAsync("task_queue.dead", autoAck: false) is { } message)
                    {
                        if (message.Body.Span.SequenceEqual(body))
                        {
                            await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
                            return message;
                        }

                        others.Add(message.DeliveryTag);
                    }

                    return null;
                }
                finally
                {
                    foreach (var tag in others)
                    {
                        await channel.BasicNackAsync(tag, multiple: false, requeue: true);
                    }
                }
            },
            message => message is not null,
            TimeSpan.FromSeconds(30),
            "the message in task_queue.dead"))!;
    }
}
