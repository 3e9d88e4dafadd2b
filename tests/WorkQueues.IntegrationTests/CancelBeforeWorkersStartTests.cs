using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using WorkQueues.Producer;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;
using WorkQueues.Worker;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// A cancel recorded while no Worker runs holds for the Worker that starts afterwards: it reads the
/// <c>task_cancellations</c> stream from 8 days back before it takes a task. The Worker's own registration, hosted
/// in-process, on a broker of this class's own.
/// </summary>
public sealed class CancelBeforeWorkersStartTests(StandaloneBroker broker) : IClassFixture<StandaloneBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_task_cancelled_while_every_worker_was_stopped_is_never_run_once_a_worker_starts()
    {
        await using var connection = await broker.ConnectAsync();
        var cancelledId = await PublishAsync(connection, "cancelled while nobody worked");
        var keptId = await PublishAsync(connection, "kept");
        await using (var cancels = new TaskCancellationPublisher(connection, Options.Create(new ProducerOptions()), TimeProvider.System))
        {
            await cancels.PublishAsync(cancelledId, CancellationToken.None);
        }

        var seen = new ConcurrentQueue<string?>();
        using var worker = await StartWorkerAsync(seen);

        await Eventually.HoldsAsync(() => Task.FromResult(seen.Contains(keptId)), Patience, "the task after the cancelled one to run");
        await using var channel = await connection.CreateChannelAsync();
        await Eventually.HoldsAsync(async () => (await channel.QueueDeclarePassiveAsync(TaskQueueTopology.QueueName)).MessageCount == 0, Patience, "task_queue to be empty");
        Assert.DoesNotContain(cancelledId, seen);
        await worker.StopAsync();
    }

    private async Task<IHost> StartWorkerAsync(ConcurrentQueue<string?> seen)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = broker.ConnectionString,
            ["Worker:Concurrency"] = "4",
        });
        builder.Services.AddSingleton(seen);
        builder.AddTaskProcessing().WithTaskHandler<RecordingHandler>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<string> PublishAsync(IConnection connection, string text)
    {
        var id = TaskMessage.NewId();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.DeclareTaskQueueAsync();
        await channel.BasicPublishAsync(string.Empty, TaskQueueTopology.QueueName, mandatory: true, TaskMessage.CreateProperties(id, DateTimeOffset.UtcNow), TaskText.Encode(text));
        return id;
    }

    public sealed class RecordingHandler(ConcurrentQueue<string?> seen) : ITaskHandler
    {
        public Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
        {
            seen.Enqueue(task.Id);
            return Task.CompletedTask;
        }
    }
}
