using System.Diagnostics;
using System.Net;
using System.Text;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests;

/// <summary>Looking inside the broker as the tutorial teaches: dashboard commands and rabbitmqctl.</summary>
[Collection(AppHostCollection.Name)]
public sealed class QueueInspectionTests(AppHostFixture fixture) : IAsyncLifetime
{
    private readonly string _queue = $"inspect-{Guid.NewGuid():N}";
    private IConnection _connection = null!;
    private IChannel _holder = null!;

    /// <summary>A queue with 2 ready messages and 1 delivered but never acked: the tutorial's "forgotten ack".</summary>
    public async Task InitializeAsync()
    {
        _connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        _holder = await _connection.CreateChannelAsync();
        await _holder.QueueDeclareAsync(_queue, durable: false, exclusive: false, autoDelete: true);
        for (var i = 0; i < 3; i++)
        {
            await _holder.BasicPublishAsync(string.Empty, _queue, Encoding.UTF8.GetBytes($"held {i}"));
        }

        var delivered = new TaskCompletionSource();
        await _holder.BasicQosAsync(0, 1, false);
        var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(_holder);
        consumer.ReceivedAsync += (_, _) => { delivered.TrySetResult(); return Task.CompletedTask; };
        await _holder.BasicConsumeAsync(_queue, autoAck: false, consumer);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task List_queues_reports_ready_unacked_and_consumers_as_they_are()
    {
        var expected = $"{_queue}\t2\t1\t1";

        var table = await Eventually.ReturnsAsync(
            async () =>
            {
                var result = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), QueueCommandsExtensions.ListQueuesCommand);
                Assert.True(result.Success, result.Message);
                return result.Data?.Value ?? "";
            },
            text => text.Contains(expected),
            TimeSpan.FromSeconds(20),
            $"the list to show '{expected}'");

        Assert.StartsWith("name\tmessages_ready\tmessages_unacknowledged\tconsumers", table);
        Assert.Contains(table, await fixture.App.ConsoleLogAsync("messaging"));
    }

    [LocalBrokerFact]
    public async Task The_rabbitmqctl_line_of_the_readme_reaches_the_local_node()
    {
        Assert.IsType<LocalRabbitMQResource>(fixture.App.Resource("messaging"));
        var start = new ProcessStartInfo(Path.Combine(RepositoryFolder.Root(), "rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The settings the AppHost was given, in their environment form; all else comes from the node.env it wrote.
            Environment =
            {
                ["Messaging__AmqpPort"] = fixture.AmqpPort.ToString(),
                ["Messaging__DataRoot"] = fixture.DataRoot,
            },
        };
        foreach (var arg in "list_queues name messages_ready messages_unacknowledged".Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, error);
        Assert.Contains($"{_queue}\t2\t1", output);
        Assert.Contains("task_queue\t", output);
    }

    [Fact]
    public async Task Purge_removes_the_waiting_tasks_and_leaves_those_being_worked_on()
    {
        using var producer = fixture.App.CreateProducerClient();
        for (var i = 0; i < 4; i++)
        {
            using var response = await producer.PostAsync("/tasks", new StringContent($"purge me {i}......", Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // Two workers at prefetch 1 each hold one six-second task; two wait. Read over AMQP, which is exact now,
        // rather than from the management API, whose figures are a few seconds old. A Worker may first finish a task
        // an earlier test of the collection left it (some seconds of dots).
        await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Eventually.HoldsAsync(
            async () => (await channel.QueueDeclarePassiveAsync("task_queue")).MessageCount == 2,
            TimeSpan.FromSeconds(20),
            "two tasks waiting behind the two in work");

        var result = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), QueueCommandsExtensions.PurgeTaskQueueCommand);

        Assert.True(result.Success, result.Message);
        Assert.Equal("2 ready tasks removed from task_queue.", result.Message);
        await Eventually.HoldsAsync(
            async () => await fixture.Management.GetQueueAsync() is { Ready: 0, Unacknowledged: 0 },
            TimeSpan.FromSeconds(45),
            "the held tasks to finish and nothing to be left");
    }

    public async Task DisposeAsync()
    {
        await _holder.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
