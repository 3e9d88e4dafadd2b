using System.Diagnostics;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>
/// The baseline publisher: the least a RabbitMQ.Client 7 program does to publish persistent tasks with confirms,
/// keeping <c>window</c> confirms outstanding, tracked by RabbitMQ.Client (which adds a header to each message) or, when
/// asked, from the broker's acks as the services track theirs (<see cref="PublisherConfirms"/>). No client rate limiter:
/// in RabbitMQ.Client 7.2.2 a <c>ThrottlingRateLimiter</c> with more publishes in flight than its limit cuts
/// throughput about sixty-fold. Also fills the queue for the consume and drain runs, tracking those confirms from the
/// acks, so the tasks drained carry no header, as the Producer's carry none but their trace context.
/// </summary>
public sealed class WindowedPublisher(IConnection connection, int window)
{
    /// <summary>
    /// Publishes <paramref name="count"/> tasks made by <paramref name="text"/> (with ids from <paramref name="id"/>,
    /// new ones if not given), each carrying <paramref name="trace"/> when given, their confirms tracked by
    /// RabbitMQ.Client or by <see cref="PublisherConfirms"/> (<paramref name="ownConfirms"/>); returns the time until
    /// the last confirm.
    /// </summary>
    public async Task<Rate> PublishAsync(int count, Func<int, string> text, Func<int, string>? id = null, MessageTraceContext? trace = null, bool ownConfirms = false)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: !ownConfirms));
        var confirms = ownConfirms ? new PublisherConfirms(channel) : null;
        await channel.DeclareTaskQueueAsync();

        var next = -1;
        var clock = Stopwatch.StartNew();
        // Each lane awaits its own confirm; `window` lanes keep that many outstanding.
        var lanes = Enumerable.Range(0, Math.Min(window, count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var properties = TaskMessage.CreateProperties(id?.Invoke(i) ?? TaskMessage.NewId(), DateTimeOffset.UtcNow);
                trace?.WriteTo(properties);
                if (confirms is null)
                {
                    await channel.BasicPublishAsync(string.Empty, TaskQueueTopology.QueueName, mandatory: true, properties, TaskText.Encode(text(i)));
                }
                else
                {
                    await confirms.PublishAsync(string.Empty, TaskQueueTopology.QueueName, properties, TaskText.Encode(text(i)), CancellationToken.None);
                }
            }
        });
        await Task.WhenAll(lanes);
        return Rate.From(count, clock.Elapsed);
    }
}
