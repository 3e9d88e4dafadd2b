using System.Net;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.ContainerPath;

/// <summary>
/// The tutorial, the queue commands and the credentials on the container path: podman running the test image that
/// stands in for the official one, chosen by auto because ASPIRE_CONTAINER_RUNTIME says podman.
/// </summary>
[Collection(ContainerPathCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class ContainerPathTests(ContainerPathFixture fixture)
{
    private static readonly string[] TutorialTasks =
        ["First message.", "Second message..", "Third message...", "Fourth message....", "Fifth message....."];

    [SkippableFact]
    public async Task Auto_takes_the_container_path_with_podman_and_runs_the_configured_image()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);

        var broker = Assert.IsType<RabbitMQServerResource>(fixture.App.Resource("messaging"));
        var image = broker.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal(fixture.Image, $"{image.Registry}/{image.Image}:{image.Tag}");

        var running = await Podman.RunAsync("inspect", "--format", "{{.ImageName}}", await fixture.ContainerAsync());
        Assert.Equal(fixture.Image, running.Line);
    }

    [SkippableFact]
    public async Task The_five_tutorial_tasks_are_each_processed_once_and_both_replicas_take_part()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var run = Guid.NewGuid().ToString("N")[..6];
        var tasks = TutorialTasks.Select(t => $"{run} {t}").ToArray();

        foreach (var task in tasks)
        {
            await fixture.App.PostTaskAsync(task);
        }

        var done = await fixture.App.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(60));
        Assert.All(tasks, task => Assert.Single(done, record => record.Message == $" [x] Done {task}"));
        Assert.Equal(2, done.Select(record => record.Instance).Distinct().Count());
    }

    [SkippableFact]
    public async Task A_task_published_as_the_tutorials_new_task_does_is_processed()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var task = $"Plain tutorial publisher {Guid.NewGuid():N}..";

        await using (var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // new_task.py: a plain durable declare (it must agree with ours), a persistent UTF-8 body, no headers.
            await channel.QueueDeclareAsync("task_queue", durable: true, exclusive: false, autoDelete: false, arguments: null);
            await channel.BasicPublishAsync(string.Empty, "task_queue", mandatory: false,
                new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(task));
        }

        Assert.Single(await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30)));
    }

    [SkippableFact]
    public async Task With_the_workers_stopped_the_tutorials_worker_takes_the_producers_task()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var task = $"For the tutorial worker {Guid.NewGuid():N}.";
        await fixture.RunWorkersAsync(run: false);
        try
        {
            await fixture.App.PostTaskAsync(task);

            // worker.py: a plain durable declare, prefetch 1, manual acks.
            await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeclareAsync("task_queue", durable: true, exclusive: false, autoDelete: false, arguments: null);
            await channel.BasicQosAsync(0, 1, false);
            var received = new TaskCompletionSource<(string Body, DeliveryModes Mode)>();
            var consumer = new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                received.TrySetResult((Encoding.UTF8.GetString(delivery.Body.Span), delivery.BasicProperties.DeliveryMode));
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await channel.BasicConsumeAsync("task_queue", autoAck: false, consumer);

            var (body, mode) = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(task, body);
            Assert.Equal(DeliveryModes.Persistent, mode);
        }
        finally
        {
            await fixture.RunWorkersAsync(run: true);
        }
    }

    [SkippableFact]
    public async Task List_queues_command_and_rabbitmqctl_through_podman_exec_show_the_same_queue()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var queue = $"inspect-{Guid.NewGuid():N}";
        await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        for (var i = 0; i < 2; i++)
        {
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes($"held {i}"));
        }

        var table = await Eventually.ReturnsAsync(
            async () =>
            {
                var result = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), QueueCommandsExtensions.ListQueuesCommand);
                Assert.True(result.Success, result.Message);
                return result.Data?.Value ?? "";
            },
            text => text.Contains($"{queue}\t2\t0\t0"),
            TimeSpan.FromSeconds(20),
            $"the list to show {queue} with 2 ready");

        var rabbitmqctl = await Podman.RunProcessAsync(
            Path.Combine(RepositoryFolder.Root(), "rabbitmqctl"),
            "list_queues name messages_ready messages_unacknowledged".Split(' '),
            new Dictionary<string, string>
            {
                ["ASPIRE_CONTAINER_RUNTIME"] = "podman",
                ["WORKQUEUES_AMQP_PORT"] = fixture.App.BrokerUri.Port.ToString(),
                ["WORKQUEUES_BROKER_CONTAINER"] = await fixture.ContainerAsync(),
            });

        Assert.True(rabbitmqctl.ExitCode == 0, rabbitmqctl.Error);
        Assert.Contains($"{queue}\t2\t0", rabbitmqctl.Output);
        Assert.Contains("task_queue\t", rabbitmqctl.Output);
        Assert.Contains("task_queue\t", table);
    }

    [SkippableFact]
    public async Task The_broker_takes_the_parameters_credentials_refuses_guest_and_never_logs_the_password()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);

        using var overview = await fixture.Management.GetAsync("/api/overview");
        using var guest = new BrokerManagementClient(fixture.ManagementUri, "guest", "guest");
        using var refused = await guest.GetAsync("/api/overview");

        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.NotEqual("guest", fixture.App.UserName);
        var containerLog = await Podman.RunAsync("logs", await fixture.ContainerAsync());
        Assert.Contains("Server startup complete", containerLog.Output + containerLog.Error);
        Assert.DoesNotContain(fixture.App.Password, containerLog.Output + containerLog.Error);
        Assert.DoesNotContain(fixture.App.Password, await fixture.App.ConsoleLogAsync("messaging"));
    }
}
