using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// Where a scheduled task waits: the broker holds it, in <see cref="Levels"/> binary delay levels (the design
/// NServiceBus uses for RabbitMQ). Level k is a topic exchange <c>task_queue.delay.k</c> and a durable queue of the
/// same name whose messages all live 2^k seconds (<c>x-message-ttl</c>), then are dead-lettered, routing key kept, to
/// level k-1's exchange; level 0's queue dead-letters to <c>task_queue.delay.delivery</c>, bound to <c>task_queue</c>.
/// The routing key spells the delay in binary, one word per level, most significant first, then <c>task_queue</c>
/// (<see cref="RoutingKey"/>): each level's exchange sends a message whose word is 1 into its queue, and one whose
/// word is 0 straight on to the level below (an exchange-to-exchange binding). So a task waits exactly the sum of the
/// levels whose bit is set, in at most 20 queues in all, whatever the delays asked for; and as every message in a
/// level's queue has the same TTL, they expire in the order they came, head first, on time.
/// </summary>
public static class TaskDelayTopology
{
    /// <summary>2^0 s to 2^19 s: any whole number of seconds up to 1,048,575 (12 days), more than <see cref="MaxDelay"/>.</summary>
    public const int Levels = 20;

    /// <summary>The longest delay offered: seven days.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>The shortest delay: the levels count whole seconds.</summary>
    public static readonly TimeSpan MinDelay = TimeSpan.FromSeconds(1);

    /// <summary>Where a delayed task is published: the top level's exchange.</summary>
    public static string EntryExchangeName => LevelName(Levels - 1);

    /// <summary>Level 0's queue dead-letters here; it hands every message to <c>task_queue</c>.</summary>
    public const string DeliveryExchangeName = TaskQueueTopology.QueueName + ".delay.delivery";

    /// <summary>The exchange and the queue of level <paramref name="level"/> share this name.</summary>
    public static string LevelName(int level) => $"{TaskQueueTopology.QueueName}.delay.{level}";

    /// <summary>The seconds a delay waits: rounded up, so a task is never delivered before it is due.</summary>
    public static long WholeSeconds(TimeSpan delay) => (long)Math.Ceiling(delay.TotalSeconds - 1e-9);

    /// <summary>
    /// The routing key of a task delayed <paramref name="seconds"/>: its bits from level 19 down to 0, one word each,
    /// then <c>task_queue</c>; 5 s is <c>0.0.(…).0.1.0.1.task_queue</c>.
    /// </summary>
    public static string RoutingKey(long seconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(seconds, 1L << Levels);
        var key = new StringBuilder(Levels * 2 + TaskQueueTopology.QueueName.Length);
        for (var level = Levels - 1; level >= 0; level--)
        {
            key.Append((seconds >> level & 1) == 1 ? '1' : '0').Append('.');
        }

        return key.Append(TaskQueueTopology.QueueName).ToString();
    }

    /// <summary>The topic pattern that picks out level <paramref name="level"/>'s word being <paramref name="bit"/>.</summary>
    public static string LevelPattern(int level, char bit) =>
        string.Concat(Enumerable.Repeat("*.", Levels - 1 - level)) + bit + ".#";

    /// <summary>
    /// Declares every level, the delivery exchange and their bindings; idempotent, so the Producer and every Worker
    /// declare it at start. <c>task_queue</c> itself is left as the tutorial declares it: it is only bound to.
    /// </summary>
    public static async Task DeclareDelayTopologyAsync(
        this IChannel channel, TaskQueueType queueType = TaskQueueType.Classic, CancellationToken cancellationToken = default)
    {
        await channel.DeclareTaskQueueAsync(queueType, cancellationToken);
        await channel.ExchangeDeclareAsync(DeliveryExchangeName, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(TaskQueueTopology.QueueName, DeliveryExchangeName, "#." + TaskQueueTopology.QueueName, cancellationToken: cancellationToken);

        for (var level = 0; level < Levels; level++)
        {
            var name = LevelName(level);
            var below = level == 0 ? DeliveryExchangeName : LevelName(level - 1);
            await channel.ExchangeDeclareAsync(name, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.DeclareDurableQueueAsync(name, queueType, new Dictionary<string, object?>
            {
                ["x-message-ttl"] = (1L << level) * 1000,
                // No x-dead-letter-routing-key: a dead letter keeps its routing key, which the next level reads.
                ["x-dead-letter-exchange"] = below,
            }, cancellationToken);
            await channel.QueueBindAsync(name, name, LevelPattern(level, '1'), cancellationToken: cancellationToken);
            await channel.ExchangeBindAsync(below, name, LevelPattern(level, '0'), cancellationToken: cancellationToken);
        }
    }
}
