using System.Diagnostics;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>
/// Watches <c>task_queue</c> through AMQP passive declares, which are exact and immediate (the management API's
/// figures lag seconds). Times a drain the same way for the baseline consumers and for the Worker processes.
/// </summary>
public sealed class QueueProbe(IChannel channel)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    public static async Task<QueueProbe> OpenAsync(IConnection connection)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.DeclareTaskQueueAsync();
        return new QueueProbe(channel);
    }

    public async Task<(uint Ready, uint Consumers)> PeekAsync()
    {
        var queue = await channel.QueueDeclarePassiveAsync(TaskQueueTopology.QueueName);
        return (queue.MessageCount, queue.ConsumerCount);
    }

    public Task PurgeAsync() => channel.QueuePurgeAsync(TaskQueueTopology.QueueName);

    /// <summary>
    /// Times a drain: from the moment <paramref name="consumers"/> consumers are attached (and, when given,
    /// <paramref name="start"/> has let them go) to empty: what was ready at that moment over the time it took.
    /// </summary>
    public async Task<Rate> TimeDrainAsync(int consumers, TimeSpan timeout, Action? start = null)
    {
        var limit = Stopwatch.StartNew();
        (uint Ready, uint Consumers) state;
        while ((state = await PeekAsync()).Consumers < consumers)
        {
            Expire(limit, timeout, $"{consumers} consumers on task_queue (now {state.Consumers})");
            await Task.Delay(PollInterval);
        }

        start?.Invoke();
        var clock = Stopwatch.StartNew();
        while ((await PeekAsync()).Ready > 0)
        {
            Expire(limit, timeout, "task_queue to drain");
            await Task.Delay(PollInterval);
        }

        return new Rate(state.Ready, clock.Elapsed);
    }

    /// <summary>Waits until nothing is ready in the queue.</summary>
    public async Task WaitForEmptyAsync(TimeSpan timeout)
    {
        var limit = Stopwatch.StartNew();
        while ((await PeekAsync()).Ready > 0)
        {
            Expire(limit, timeout, "task_queue to drain");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until the queue has <paramref name="consumers"/> consumers.</summary>
    public async Task WaitForConsumersAsync(int consumers, TimeSpan timeout)
    {
        var limit = Stopwatch.StartNew();
        while ((await PeekAsync()).Consumers < consumers)
        {
            Expire(limit, timeout, $"{consumers} consumers on task_queue");
            await Task.Delay(PollInterval);
        }
    }

    private static void Expire(Stopwatch limit, TimeSpan timeout, string what)
    {
        if (limit.Elapsed > timeout)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
        }
    }
}
