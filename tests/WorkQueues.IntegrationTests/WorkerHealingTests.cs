using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The Worker comes back from what the server does to its consumer and its forwards, hosted in-process on a broker of
/// this class's own whose consumer timeout is 2 s (the cluster tests cover a deleted queue and a lost connection).
/// </summary>
public sealed class WorkerHealingTests(ImpatientBroker broker) : IClassFixture<ImpatientBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_channel_the_server_closes_for_a_consumer_timeout_is_replaced_and_the_task_is_done_on_the_new_one()
    {
        var probe = new HandlerProbe();
        using var worker = await StartWorkerAsync(probe);
        var health = worker.Services.GetRequiredService<HealthCheckService>();
        await Eventually.HoldsAsync(async () => await StatusAsync(health) == HealthStatus.Healthy, Patience, "the worker consuming");
        await using var connection = await broker.ConnectAsync();

        // Its first run outlasts the consumer timeout: the server closes the channel and requeues the task.
        var id = await StandaloneBroker.PublishTaskAsync(connection, $"slow {Guid.NewGuid():N}");

        await Eventually.HoldsAsync(async () => await StatusAsync(health) == HealthStatus.Unhealthy, Patience, "Unhealthy once the server closed the channel");
        await Eventually.HoldsAsync(async () => await StatusAsync(health) == HealthStatus.Healthy, Patience, "Healthy again on a new channel");
        await Eventually.HoldsAsync(() => Task.FromResult(probe.AttemptsOf(id).Length == 2), Patience, "the requeued task handled again");
        await Eventually.ReturnsAsync(() => QueueAsync(connection, TaskQueueTopology.QueueName), queue => queue == (0u, 1u), Patience, "task_queue empty, with one consumer");
        await worker.StopAsync();
    }

    [Fact]
    public async Task A_retry_copy_whose_queue_was_deleted_is_sent_again_once_the_queues_are_declared_anew()
    {
        var probe = new HandlerProbe();
        using var worker = await StartWorkerAsync(probe);
        await using var connection = await broker.ConnectAsync();
        var retryQueue = TaskQueueTopology.RetryQueueName(2, RetryDelay);
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(retryQueue);
        }

        // Its first attempt fails: the copy for the second goes to the deleted queue and comes back unrouted.
        var id = await StandaloneBroker.PublishTaskAsync(connection, $"fail once {Guid.NewGuid():N}");

        await Eventually.HoldsAsync(() => Task.FromResult(probe.AttemptsOf(id).Length == 2), Patience, "the second attempt");
        Assert.Equal([1, 2], probe.AttemptsOf(id));
        Assert.Equal(0u, (await QueueAsync(connection, retryQueue)).Messages);
        await worker.StopAsync();
    }

    private Task<IHost> StartWorkerAsync(HandlerProbe probe) =>
        InProcessWorker.StartAsync<ProbeHandler>(broker, services => services
                .Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1))
                .AddSingleton(probe),
            new Dictionary<string, string?> { ["Worker:RetryDelay"] = RetryDelay.ToString() });

    private static async Task<HealthStatus> StatusAsync(HealthCheckService health) => (await health.CheckHealthAsync()).Status;

    /// <summary>A queue's own figures (declare-ok): the management API's lag.</summary>
    private static async Task<(uint Messages, uint Consumers)> QueueAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclarePassiveAsync(queue);
        return (ok.MessageCount, ok.ConsumerCount);
    }

    /// <summary>A "slow" task's first run outlasts the consumer timeout; a "fail once" task fails its first attempt.</summary>
    public sealed class ProbeHandler(HandlerProbe probe) : ITaskHandler
    {
        public async Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
        {
            var firstRun = task.Id is { } id && probe.AttemptsOf(id).Length == 0;
            probe.Saw(task);
            if (task.Text.StartsWith("slow", StringComparison.Ordinal) && firstRun)
            {
                await Task.Delay(ImpatientBroker.ConsumerTimeout * 2, cancellationToken);
            }

            if (task.Text.StartsWith("fail once", StringComparison.Ordinal) && task.Attempt == 1)
            {
                throw new InvalidOperationException("attempt 1 fails");
            }
        }
    }
}
