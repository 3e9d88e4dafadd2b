using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.IntegrationTests;

/// <summary>The paths to a broker other than the default: forced container, and an external broker.</summary>
[Collection(StandaloneBrokerCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class BrokerChoiceTests(StandaloneBroker broker)
{
    [WithoutContainerRuntimeFact]
    public async Task Forcing_the_container_path_without_a_runtime_fails_within_seconds_naming_both_fixes()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WorkQueues_AppHost>(["Messaging:Broker=container"]);
            await using var app = await builder.BuildAsync();
        });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var message = error.ToString();
        Assert.Contains("Start Docker or Podman", message);
        Assert.Contains("apt-get install rabbitmq-server", message);
    }

    [Fact]
    public async Task The_external_path_uses_the_given_broker()
    {
        await using var app = await WorkQueuesApp.StartAsync(
            "Messaging:Broker=external", $"ConnectionStrings:messaging={broker.ConnectionString}", "Workers:Replicas=1");
        Assert.Equal(broker.AmqpPort, app.BrokerUri.Port);

        var task = $"external {Guid.NewGuid():N}.";
        using var producer = app.CreateProducerClient();
        using var response = await producer.PostAsync("/tasks", new StringContent(task, Encoding.UTF8, "text/plain"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        await app.WaitForDoneAsync([task], TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task The_command_line_sends_the_tutorials_wire_format()
    {
        var task = $"Wire format {Guid.NewGuid():N}....";
        await using var connection = await broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueuePurgeAsync("task_queue").ContinueWith(_ => { }); // the queue may not exist yet

        var result = await ProducerCli.RunAsync([.. task.Split(' '), "--broker", broker.ConnectionString]);
        Assert.True(result.ExitCode == 0, result.Error);

        // No worker runs on this broker, so the message waits in the queue to be looked at, as worker.py would see it.
        await using var reader = await connection.CreateChannelAsync();
        var message = await Eventually.ReturnsAsync(
            () => reader.BasicGetAsync("task_queue", autoAck: true), m => m is not null, TimeSpan.FromSeconds(10), "the task");
        Assert.Equal(task, Encoding.UTF8.GetString(message!.Body.Span));
        Assert.Equal(DeliveryModes.Persistent, message.BasicProperties.DeliveryMode);
        Assert.Equal("text/plain", message.BasicProperties.ContentType);
        Assert.Matches("^[0-9a-f]{32}$", message.BasicProperties.MessageId);
        Assert.InRange(message.BasicProperties.Timestamp.UnixTime, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Equal(string.Empty, message.Exchange);
        Assert.Equal("task_queue", message.RoutingKey);
        // A task with no schedule or time limit carries one header, its trace context: not RabbitMQ.Client's confirm
        // tracking's (PublisherConfirms).
        Assert.Equal(["traceparent"], message.BasicProperties.Headers?.Keys ?? []);
    }

    [Fact]
    public async Task The_command_line_fails_in_seconds_with_one_line_when_no_broker_answers()
    {
        var clock = Stopwatch.StartNew();

        var result = await ProducerCli.RunAsync("Lost message.", "--broker", $"amqp://someone:s3cret-pw@127.0.0.1:{FreePorts.Next()}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error:", result.Error);
        Assert.DoesNotContain("s3cret-pw", result.Error + result.Output);
    }
}
