using System.Diagnostics;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Cluster;

/// <summary>The dashboard's queue commands on a cluster whose first node, the one the connection string names, is down.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCommandsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_queue_commands_answer_from_another_node_while_node_1_is_down()
    {
        var commands = fixture.App.App.ResourceCommands;
        var messaging = fixture.App.Resource("messaging");

        Process.GetProcessById(fixture.NodePid(1)).Kill();
        await Eventually.HoldsAsync(
            () => Task.FromResult(!Answers(fixture.ManagementPort) && !Answers(fixture.AmqpPort)), TimeSpan.FromSeconds(15), "node 1 to stop answering");

        try
        {
            // Management API (List queues) and AMQP (Requeue dead letters), both through nodes 2 and 3.
            var list = await commands.ExecuteCommandAsync(messaging, QueueCommandsExtensions.ListQueuesCommand);
            Assert.True(list.Success, list.Message);
            var line = list.Data!.Value.Split('\n').Single(l => l.StartsWith("task_queue\t", StringComparison.Ordinal));
            Assert.Contains("\tquorum\t", line);
            Assert.Contains(fixture.NodeName(2), line);
            Assert.Contains(fixture.NodeName(3), line);

            var requeue = await commands.ExecuteCommandAsync(messaging, QueueCommandsExtensions.RequeueDeadLettersCommand);
            Assert.True(requeue.Success, requeue.Message);
        }
        finally
        {
            // Node 1 back, so the rest of the collection finds the cluster whole.
            Assert.True((await commands.ExecuteCommandAsync(fixture.App.Resource("messaging-1"), KnownResourceCommands.StartCommand)).Success);
            using (var healthy = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            {
                await fixture.App.App.ResourceNotifications.WaitForResourceHealthyAsync("messaging-1", healthy.Token);
            }

            await Eventually.HoldsAsync(
                async () => (await fixture.QueueAsync("task_queue", 2, 3)).Online.Count == ClusterFixture.Nodes,
                TimeSpan.FromSeconds(60),
                "task_queue back to 3 members online");
        }
    }

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
