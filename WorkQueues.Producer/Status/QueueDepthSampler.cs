using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Status;

/// <summary>How many tasks wait in <c>task_queue</c>, how many workers consume it, and when that was seen.</summary>
public sealed record QueueDepth(uint Ready, uint Consumers, DateTimeOffset SampledAt);

/// <summary>
/// Samples <c>task_queue</c> once a second on one channel of its own, so <c>GET /queue</c> costs the broker nothing,
/// however often and by however many it is asked.
/// </summary>
public sealed class QueueDepthSampler(IConnection connection, TimeProvider time, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private volatile QueueDepth? _latest;

    /// <summary>The latest sample; null until the first one succeeded.</summary>
    public QueueDepth? Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        IChannel? channel = null;
        try
        {
            do
            {
                try
                {
                    if (channel is not { IsOpen: true })
                    {
                        channel?.Dispose();
                        channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                    }

                    // The same declare as new_task.py's: it creates task_queue if no one has yet, and answers its counts.
                    var queue = await channel.DeclareTaskQueueAsync(cancellationToken: stoppingToken);
                    _latest = new QueueDepth(queue.MessageCount, queue.ConsumerCount, time.GetUtcNow());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The connection recovers on its own; the last sample stays, with its time, until it does.
                    logger.LogDebug("Could not sample task_queue: {Reason}", ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            channel?.Dispose();
        }
    }
}
