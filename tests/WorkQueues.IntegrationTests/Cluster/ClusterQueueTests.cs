using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using RabbitMQ.Client;
using WorkQueues.AppHost.Messaging;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests.Cluster;

/// <summary>Quorum task queues on the cluster: every node a member, the tutorial's clients, a type mismatch, where queues live.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterQueueTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Every_task_queue_is_a_quorum_queue_with_a_member_on_every_node()
    {
        foreach (var queue in new[] { "task_queue", "task_queue.dead", "task_queue.retry.1000ms", "task_queue.delay.0" })
        {
            var state = await fixture.QueueAsync(queue);
            Assert.Equal("quorum", state.Type);
            Assert.Equal(Enumerable.Range(1, ClusterFixture.Nodes).Select(fixture.NodeName).Order(), state.Members.Order());
        }
    }

    [Fact]
    public async Task The_membership_check_finds_every_node_in_one_cluster_and_names_a_missing_one()
    {
        var management = new Uri($"http://127.0.0.1:{fixture.ManagementPort}");
        var nodes = Enumerable.Range(1, ClusterFixture.Nodes).Select(fixture.NodeName).ToList();
        await ClusterMembership.WaitForAllNodesAsync(
            management, fixture.App.UserName, fixture.App.Password, nodes, TimeSpan.FromSeconds(10), CancellationToken.None);

        // A node the cluster never saw, as when a node booted into a cluster of its own.
        var stray = $"workqueues-stray-{Guid.NewGuid():N}@localhost";
        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(() => ClusterMembership.WaitForAllNodesAsync(
            management, fixture.App.UserName, fixture.App.Password, [.. nodes, stray], TimeSpan.FromSeconds(2), CancellationToken.None));
        Assert.Contains(stray, error.Message);
        Assert.Contains("Delete broker data", error.Message);
    }

    [Fact]
    public async Task A_tutorial_client_declares_publishes_to_and_consumes_from_the_quorum_task_queue_unchanged()
    {
        await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // new_task.py / worker.py: queue_declare(queue='task_queue', durable=True), nothing else.
        await channel.QueueDeclareAsync("task_queue", durable: true, exclusive: false, autoDelete: false, arguments: null);

        var task = $"tutorial {Guid.NewGuid():N}.";
        await channel.BasicPublishAsync(string.Empty, "task_queue", mandatory: true,
            new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes(task));
        await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(30));

        // worker.py's basic_qos(prefetch_count=1) and basic_consume on the quorum queue are accepted.
        await channel.BasicQosAsync(0, 1, false);
        var tag = await channel.BasicConsumeAsync("task_queue", autoAck: false, new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel));
        await channel.BasicCancelAsync(tag);
        Assert.Equal("quorum", (await fixture.QueueAsync("task_queue")).Type);
    }

    [Fact]
    public async Task A_queue_of_the_other_type_is_a_clear_error_that_says_how_to_fix_it()
    {
        await using var connection = await new ConnectionFactory { Uri = fixture.App.BrokerUri }.CreateConnectionAsync();
        var queue = $"mismatch-{Guid.NewGuid():N}";
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" });
        }

        await using (var channel = await connection.CreateChannelAsync())
        {
            var error = await Assert.ThrowsAsync<TaskQueueTypeMismatchException>(() => channel.DeclareDurableQueueAsync(queue, TaskQueueType.Quorum, null, default));
            Assert.Contains("Tasks:QueueType", error.Message);
            Assert.Contains($"delete_queue {queue}", error.Message);
        }

        await using (var cleanup = await connection.CreateChannelAsync())
        {
            await cleanup.QueueDeleteAsync(queue);
        }
    }

    [Fact]
    public async Task The_dashboard_command_and_rabbitmqctl_show_each_queues_leader_and_members()
    {
        var nodes = Enumerable.Range(1, ClusterFixture.Nodes).Select(fixture.NodeName).ToList();
        var result = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), QueueCommandsExtensions.ListQueuesCommand);
        Assert.True(result.Success, result.Message);
        var line = result.Data!.Value.Split('\n').Single(l => l.StartsWith("task_queue\t", StringComparison.Ordinal));
        Assert.Contains("\tquorum\t", line);
        Assert.All(nodes, node => Assert.Contains(node, line));

        var start = new ProcessStartInfo(Path.Combine(RepositoryFolder.Root(), "rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Messaging__AmqpPort"] = fixture.AmqpPort.ToString(),
                ["Messaging__DataRoot"] = fixture.DataRoot,
            },
        };
        foreach (var arg in "list_queues name type leader members".Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        using var rabbitmqctl = Process.Start(start)!;
        var output = await rabbitmqctl.StandardOutput.ReadToEndAsync();
        await rabbitmqctl.WaitForExitAsync();
        Assert.True(rabbitmqctl.ExitCode == 0, await rabbitmqctl.StandardError.ReadToEndAsync());
        var row = output.Split('\n').Single(l => l.StartsWith("task_queue\t", StringComparison.Ordinal));
        Assert.Contains("\tquorum\t", row);
        Assert.All(nodes, node => Assert.Contains(node, row));
    }
}
