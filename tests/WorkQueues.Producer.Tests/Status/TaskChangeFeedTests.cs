using Microsoft.Extensions.Options;
using WorkQueues.Producer.Status;

namespace WorkQueues.Producer.Tests.Status;

public class TaskChangeFeedTests
{
    private static TrackedTask Change(int i) =>
        new($"t{i}", null, TaskState.Queued, 0, 0, null, 0, null, null, null, null, DateTimeOffset.UtcNow, null);

    [Fact]
    public void Past_the_most_subscribers_none_is_added_until_one_leaves()
    {
        var feed = new TaskChangeFeed(Options.Create(new ProducerOptions { MaxEventSubscribers = 2 }));
        var first = feed.TrySubscribe();
        using var second = feed.TrySubscribe();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(feed.TrySubscribe());

        first!.Dispose();
        first.Dispose(); // twice is once
        using var third = feed.TrySubscribe();
        Assert.NotNull(third);
        Assert.Equal(2, feed.Subscribers);
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_is_dropped_and_the_others_still_get_every_change()
    {
        var feed = new TaskChangeFeed(Options.Create(new ProducerOptions()));
        await feed.StartAsync(CancellationToken.None);
        using var stalled = feed.TrySubscribe()!;
        using var reader = feed.TrySubscribe()!;
        var received = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in reader.Reader.ReadAllAsync())
            {
                if (++received == 5_000)
                {
                    return;
                }
            }
        });

        for (var i = 0; i < 5_000; i++)
        {
            feed.Publish(Change(i)); // never waits, whoever does not read
            if (i % 500 == 0)
            {
                await Task.Delay(10); // lets the feed copy: its own channel drops the oldest when it falls behind
            }
        }

        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        // Dropped once its channel was full: what it holds still drains, then its stream ends.
        var held = 0;
        await foreach (var _ in stalled.Reader.ReadAllAsync().WithCancellation(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token))
        {
            held++;
        }

        Assert.Equal(1_000, held);
        await feed.StopAsync(CancellationToken.None);
    }
}
