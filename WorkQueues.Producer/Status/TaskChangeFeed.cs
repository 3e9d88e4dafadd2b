using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace WorkQueues.Producer.Status;

/// <summary>
/// Hands the board's changes to the open event streams, off the publish path: a change costs the publisher one write
/// into one channel (none while nobody watches), and this service copies it to each subscriber's own bounded
/// channel. A subscriber too slow to keep up is dropped (its stream ends, the browser reconnects); it never blocks
/// publishing or the other subscribers. At most <see cref="ProducerOptions.MaxEventSubscribers"/> subscribe at once.
/// </summary>
public sealed class TaskChangeFeed(IOptions<ProducerOptions> options) : BackgroundService
{
    private const int SubscriberCapacity = 1_000;

    // Bounded too: if the copying falls behind, the oldest changes are lost to the watchers, never to the tasks.
    private readonly Channel<TrackedTask> _changes = Channel.CreateBounded<TrackedTask>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly ConcurrentDictionary<Subscription, byte> _subscribers = new();
    private int _open;

    /// <summary>How many streams are open now.</summary>
    public int Subscribers => Volatile.Read(ref _open);

    public void Publish(TrackedTask change)
    {
        if (Volatile.Read(ref _open) > 0)
        {
            _changes.Writer.TryWrite(change);
        }
    }

    /// <summary>Every change from now on until disposed, or null when <see cref="ProducerOptions.MaxEventSubscribers"/> are open.</summary>
    public Subscription? TrySubscribe()
    {
        if (Interlocked.Increment(ref _open) > options.Value.MaxEventSubscribers)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }

        var subscription = new Subscription(this);
        _subscribers[subscription] = 0;
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
            {
                // Enumerating the dictionary itself takes no lock (its Keys property would, and copy them).
                foreach (var (subscriber, _) in _subscribers)
                {
                    if (!subscriber.Changes.Writer.TryWrite(change))
                    {
                        Drop(subscriber);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Drop(Subscription subscriber)
    {
        _subscribers.TryRemove(subscriber, out _);
        subscriber.Changes.Writer.TryComplete();
    }

    public sealed class Subscription : IDisposable
    {
        private readonly TaskChangeFeed _feed;
        private int _disposed;

        internal Subscription(TaskChangeFeed feed) => _feed = feed;

        internal Channel<TrackedTask> Changes { get; } = Channel.CreateBounded<TrackedTask>(
            new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });

        /// <summary>The changes; completes when the subscriber was dropped for falling behind.</summary>
        public ChannelReader<TrackedTask> Reader => Changes.Reader;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _feed.Drop(this);
                Interlocked.Decrement(ref _feed._open);
            }
        }
    }
}
