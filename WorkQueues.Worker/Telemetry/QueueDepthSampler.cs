using System.Diagnostics;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Telemetry;

/// <summary>
/// Reads task_queue's depth and consumer count every few seconds, so the gauges cost a scrape nothing and the
/// broker one passive declare per interval per replica, however often metrics are collected.
/// </summary>
public sealed partial class QueueDepthSampler(IConnection connection, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public long Ready { get; private set; }

    public long Consumers { get; private set; }

    /// <summary>Each reading of the queue's counts, with the time its passive declare was sent.</summary>
    public event Action<QueueReading>? QueueRead;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        IChannel? channel = null;
        try
        {
            do
            {
                try
                {
                    channel = channel is { IsOpen: true } ? channel : await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                    var asked = Stopwatch.GetTimestamp();
                    var queue = await channel.QueueDeclarePassiveAsync(TaskQueueTopology.QueueName, stoppingToken);
                    (Ready, Consumers) = (queue.MessageCount, queue.ConsumerCount);
                    QueueRead?.Invoke(new QueueReading(queue.MessageCount, queue.ConsumerCount, asked));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The broker may be restarting; the gauges keep their last reading until it is back.
                    LogSampleFailed(ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not sample task_queue: {Reason}")]
    private partial void LogSampleFailed(string reason);
}
