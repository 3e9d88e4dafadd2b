using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WorkQueues.Tasks;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// A Worker whose consumer the server cancelled consumes again on a new channel, and closes the old one once the task
/// in hand on it is acked there (RetiredChannels): closing is what makes the broker take back whatever it still counts
/// as delivered on a channel, a consumer it kept that the channel no longer dispatches for included. Hosted in-process
/// on a broker of this class's own, so no other test's worker consumes beside it.
/// </summary>
public sealed class WorkerRetiredChannelTests(StandaloneBroker broker) : IClassFixture<StandaloneBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task After_a_server_cancel_it_consumes_on_a_new_channel_and_closes_the_old_once_its_task_in_hand_is_acked()
    {
        var probe = new HandlerProbe();
        using var worker = await InProcessWorker.StartAsync<HoldingHandler>(broker, services => services.AddSingleton(probe).AddFakeLogging());
        using var management = broker.Management();
        await using var connection = await broker.ConnectAsync();
        var held = await StandaloneBroker.PublishTaskAsync(connection, $"hold {Guid.NewGuid():N}");
        await probe.Hanging.Task.WaitAsync(Patience);
        var first = await Eventually.ReturnsAsync(() => ConsumerChannelsAsync(management), channels => channels.Count == 1, Patience, "one consumer on task_queue");

        // The server cancels the consumer while its task is in hand.
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(TaskQueueTopology.QueueName, ifUnused: false, ifEmpty: false);
        }

        await Eventually.ReturnsAsync(
            () => ConsumerChannelsAsync(management), channels => channels.Count == 1 && channels[0] != first[0], Patience, "one consumer, on another channel");
        Assert.True(await IsOpenAsync(management, first[0]), "the old channel closed with a task in hand on it");

        probe.Released.SetResult();
        await Eventually.HoldsAsync(async () => !await IsOpenAsync(management, first[0]), Patience, "the old channel closed once its task was acked");
        var next = await StandaloneBroker.PublishTaskAsync(connection, $"next {Guid.NewGuid():N}");
        await Eventually.HoldsAsync(() => Task.FromResult(probe.AttemptsOf(next).Length == 1), Patience, "a task after the heal taken on the new channel");

        await worker.StopAsync();
        // Its ack went through on the old channel: a channel closed too soon fails it (and a requeue would run it again,
        // but task_queue was deleted under it, so only the Worker's log can tell).
        Assert.Equal([1], probe.AttemptsOf(held));
        var failures = worker.Services.GetFakeLogCollector().GetSnapshot().Where(log => log.Level >= LogLevel.Warning).Select(log => log.Message).ToList();
        Assert.DoesNotContain(failures, message => message.StartsWith("Could not settle", StringComparison.Ordinal) || message.StartsWith("Could not close", StringComparison.Ordinal));
    }

    /// <summary>The channels of task_queue's consumers, as the management API names them.</summary>
    private static async Task<IReadOnlyList<string>> ConsumerChannelsAsync(BrokerManagementClient management)
    {
        using var response = await management.GetAsync($"/api/queues/%2F/{TaskQueueTopology.QueueName}");
        response.EnsureSuccessStatusCode();
        using var queue = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return queue.RootElement.GetProperty("consumer_details").EnumerateArray()
            .Select(consumer => consumer.GetProperty("channel_details").GetProperty("name").GetString()!)
            .ToList();
    }

    private static async Task<bool> IsOpenAsync(BrokerManagementClient management, string channel)
    {
        using var response = await management.GetAsync($"/api/channels/{Uri.EscapeDataString(channel)}");
        return response.IsSuccessStatusCode;
    }

    /// <summary>Holds a "hold" task until the test releases it; any other task is done at once.</summary>
    public sealed class HoldingHandler(HandlerProbe probe) : ITaskHandler
    {
        public async Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
        {
            probe.Saw(task);
            if (task.Text.StartsWith("hold", StringComparison.Ordinal))
            {
                probe.Hanging.TrySetResult();
                await probe.Released.Task.WaitAsync(cancellationToken);
            }
        }
    }
}
