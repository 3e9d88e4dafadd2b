using Microsoft.Extensions.Time.Testing;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;

namespace WorkQueues.Worker.Tests.Cancellation;

public class CancelledTasksTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(8);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_cancel_is_remembered_for_the_retention_from_when_it_was_made_then_forgotten()
    {
        var cancelled = new CancelledTasks(_time, 100, Retention);
        cancelled.Add(new TaskCancellation("a", _time.GetUtcNow()));

        _time.Advance(Retention - TimeSpan.FromSeconds(1));
        Assert.True(cancelled.IsCancelled("a"));
        Assert.False(cancelled.IsCancelled("b"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cancelled.IsCancelled("a"));
        cancelled.Add(new TaskCancellation("c", _time.GetUtcNow()));
        Assert.Equal(1, cancelled.Count);
    }

    [Fact]
    public void A_cancel_read_back_from_longer_ago_than_the_retention_is_ignored()
    {
        var cancelled = new CancelledTasks(_time, 100, Retention);

        cancelled.Add(new TaskCancellation("old", _time.GetUtcNow() - Retention - TimeSpan.FromSeconds(1)));

        Assert.False(cancelled.IsCancelled("old"));
        Assert.Equal(0, cancelled.Count);
    }

    [Fact]
    public void Past_the_capacity_the_oldest_cancel_is_forgotten_first_and_a_replayed_cancel_counts_once()
    {
        var cancelled = new CancelledTasks(_time, 2, Retention);
        var a = new TaskCancellation("a", _time.GetUtcNow());
        cancelled.Add(a);
        cancelled.Add(a);
        cancelled.Add(new TaskCancellation("b", _time.GetUtcNow()));
        Assert.Equal(2, cancelled.Count);

        cancelled.Add(new TaskCancellation("c", _time.GetUtcNow()));

        Assert.Equal((false, true, true), (cancelled.IsCancelled("a"), cancelled.IsCancelled("b"), cancelled.IsCancelled("c")));
    }

    [Fact]
    public void A_cancel_fires_the_running_attempts_of_its_task_only_while_they_are_tracked()
    {
        var cancelled = new CancelledTasks(_time, 100, Retention);
        using var running = new CancellationTokenSource();
        using var other = new CancellationTokenSource();
        using var finished = new CancellationTokenSource();
        using (cancelled.Track("a", finished))
        {
        }

        using var tracked = cancelled.Track("a", running);
        using var otherTracked = cancelled.Track("b", other);
        cancelled.Add(new TaskCancellation("a", _time.GetUtcNow()));

        Assert.Equal((true, false, false), (running.IsCancellationRequested, other.IsCancellationRequested, finished.IsCancellationRequested));
    }

    [Fact]
    public void An_attempt_tracked_after_its_cancel_arrived_is_fired_at_once()
    {
        var cancelled = new CancelledTasks(_time, 100, Retention);
        cancelled.Add(new TaskCancellation("a", _time.GetUtcNow()));
        using var attempt = new CancellationTokenSource();

        using var tracked = cancelled.Track("a", attempt);

        Assert.True(attempt.IsCancellationRequested);
    }
}
