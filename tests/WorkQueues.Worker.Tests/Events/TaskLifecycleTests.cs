using Microsoft.Extensions.Time.Testing;
using WorkQueues.Tasks;
using WorkQueues.Worker.Events;

namespace WorkQueues.Worker.Tests.Events;

public class TaskLifecycleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 5, 0, 0, TimeSpan.Zero));
    private readonly RecordingEventSink _events = new();

    private TaskLifecycle Lifecycle(int dots, string? id = "t1") => new(_events, id, "worker-0", 2, dots, _time);

    [Fact]
    public void Progress_is_told_out_of_the_tasks_dots_and_the_end_as_the_whole_task()
    {
        var lifecycle = Lifecycle(dots: 4);

        lifecycle.Started();
        _time.Advance(TimeSpan.FromSeconds(1));
        lifecycle.Report(0.5);
        _time.Advance(TimeSpan.FromSeconds(1));
        lifecycle.Ended(TaskOutcome.Completed);

        Assert.Collection(
            _events.Events,
            e => Assert.Equal((TaskEvent.States.Running, 0.0), (e.State, e.ProgressSeconds)),
            e => Assert.Equal((TaskEvent.States.Running, 2.0), (e.State, e.ProgressSeconds)),
            e => Assert.Equal((TaskEvent.States.Completed, 4.0), (e.State, e.ProgressSeconds)));
        Assert.All(_events.Events, e => Assert.Equal((2, 4, "worker-0", _time.Start), (e.Attempt, e.Dots, e.Worker, e.StartedAt!.Value)));
    }

    [Fact]
    public void A_task_without_dots_shows_its_progress_out_of_one()
    {
        var lifecycle = Lifecycle(dots: 0);

        lifecycle.Report(0.25);

        Assert.Equal(0.25, Assert.Single(_events.Events).ProgressSeconds);
    }

    [Fact]
    public void Reports_in_a_tight_loop_are_thinned_out_and_nonsense_is_ignored()
    {
        var lifecycle = Lifecycle(dots: 1);

        for (var i = 1; i <= 1_000; i++)
        {
            lifecycle.Report(i / 1_000.0);
        }

        lifecycle.Report(double.NaN);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        lifecycle.Report(double.PositiveInfinity);
        lifecycle.Report(7);

        Assert.Equal([0.001, 1.0], _events.Events.Select(e => e.ProgressSeconds));
    }

    [Fact]
    public void Nothing_the_handler_reports_after_the_end_follows_the_last_event()
    {
        var lifecycle = Lifecycle(dots: 2);

        lifecycle.Started();
        lifecycle.Ended(TaskOutcome.Retried, error: "boom");
        _time.Advance(TimeSpan.FromSeconds(5));
        lifecycle.Report(0.9);

        var last = _events.Events[^1];
        Assert.Equal((TaskEvent.States.Retrying, "boom"), (last.State, last.Error));
        Assert.Equal(2, _events.Events.Count);
    }

    [Fact]
    public void A_task_without_an_id_is_not_told_about()
    {
        var lifecycle = Lifecycle(dots: 1, id: null);

        lifecycle.Started();
        lifecycle.Ended(TaskOutcome.Completed);

        Assert.Empty(_events.Events);
    }
}
