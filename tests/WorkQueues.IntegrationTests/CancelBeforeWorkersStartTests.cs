using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using WorkQueues.Producer;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;
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
        var cancelledId = await StandaloneBroker.PublishTaskAsync(connection, "cancelled while nobody worked");
        var keptId = await StandaloneBroker.PublishTaskAsync(connection, "kept");
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

    private Task<IHost> StartWorkerAsync(ConcurrentQueue<string?> seen) =>
        InProcessWorker.StartAsync<RecordingHandler>(broker, services => services.AddSingleton(seen));

    public sealed class RecordingHandler(ConcurrentQueue<string?> seen) : ITaskHandler
    {
        public Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
        {
            seen.Enqueue(task.Id);
            return Task.CompletedTask;
        }
    }
}
