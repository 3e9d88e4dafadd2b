using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Status;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Tests.Status;

public class TaskBoardTests
{
    private static TaskBoard Board(int trackedTasks, TimeProvider? time = null, TaskChangeFeed? feed = null) =>
        new(Options.Create(new ProducerOptions { TrackedTasks = trackedTasks }), time ?? TimeProvider.System, feed ?? new TaskChangeFeed(Options.Create(new ProducerOptions())));

    [Fact]
    public void At_its_bound_the_board_forgets_the_oldest_tasks_first()
    {
        var board = Board(trackedTasks: 3);
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            board.Publishing(new PublishedTask(id, 0), $"task {id}", null);
        }

        Assert.Null(board.Find("a"));
        Assert.Null(board.Find("b"));
        Assert.Equal(["c", "d", "e"], board.List(null, 10).Select(t => t.Id).Order());
    }

    [Fact]
    public void A_forgotten_task_frees_its_place()
    {
        var board = Board(trackedTasks: 2);
        board.Publishing(new PublishedTask("a", 0), "task a", null);
        board.NotConfirmed("a");
        board.Publishing(new PublishedTask("b", 0), "task b", null);
        board.Publishing(new PublishedTask("c", 0), "task c", null);

        Assert.NotNull(board.Find("b"));
        Assert.NotNull(board.Find("c"));
    }

    [Fact]
    public void Every_change_raises_the_revision_and_a_task_forgotten_and_seen_again_keeps_rising()
    {
        var board = Board(trackedTasks: 1);
        var now = DateTimeOffset.UtcNow;
        board.Publishing(new PublishedTask("a", 1), "task a.", null);
        var queued = board.Find("a")!.Revision;
        board.Apply(new TaskEvent("a", TaskEvent.States.Running, "worker-0", 1, 1, 0, null, now, null, now));
        var running = board.Find("a")!.Revision;
        Assert.True(board.CancelRequested("a", now));
        var cancelRequested = board.Find("a")!.Revision;
        Assert.True(queued < running && running < cancelRequested, $"{queued}, {running}, {cancelRequested}");

        // An event about a task the board had already applied a later one of changes nothing, revision included.
        board.Apply(new TaskEvent("a", TaskEvent.States.Queued, string.Empty, 0, 1, 0, null, now, null));
        Assert.Equal(cancelRequested, board.Find("a")!.Revision);

        // "a" is forgotten for "b", then seen again: its revision is above all it had.
        board.Publishing(new PublishedTask("b", 1), "task b.", null);
        board.Apply(new TaskEvent("a", TaskEvent.States.Completed, "worker-0", 1, 1, 1, null, now, null, now));
        Assert.True(board.Find("a")!.Revision > cancelRequested);
    }

    [Fact]
    public void A_board_started_again_numbers_its_changes_above_the_earlier_boards()
    {
        // A page open across a restart of its Producer keeps the rows' revisions from before; the new board's must be higher.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var before = Board(trackedTasks: 1_000, clock);
        for (var i = 0; i < 500; i++)
        {
            before.Publishing(new PublishedTask($"t{i}", 1), "task.", null); // 500 changes within one microsecond
        }

        var last = before.Find("t499")!.Revision;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = Board(trackedTasks: 1_000, clock);
        after.Publishing(new PublishedTask("t499", 1), "task.", null);

        Assert.True(after.Find("t499")!.Revision > last, $"{after.Find("t499")!.Revision} after {last}");
    }

    [Fact]
    public async Task Changes_racing_on_one_task_leave_it_at_the_highest_revision_the_stream_was_sent()
    {
        // A stress test of what the page relies on. It seldom meets the race it guards against (a writer preempted
        // between taking its revision and storing: the old code passed 120 of these), so each run tries ten.
        for (var race = 0; race < 10; race++)
        {
            await RaceOnOneTaskAsync(race);
        }
    }

    private static async Task RaceOnOneTaskAsync(int race)
    {
        var feed = new TaskChangeFeed(Options.Create(new ProducerOptions()));
        await feed.StartAsync(CancellationToken.None);
        using var stream = feed.TrySubscribe()!;
        var board = Board(trackedTasks: 10, feed: feed);
        board.Publishing(new PublishedTask("a", 200), "task a.", null);
        var now = DateTimeOffset.UtcNow;

        // Four writers at once, each raising the progress: every change is sent to the stream, racing stores included.
        const int Writers = 4, Steps = 200;
        using var start = new Barrier(Writers);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var step = 1; step <= Steps; step++)
            {
                board.Apply(new TaskEvent("a", TaskEvent.States.Running, $"worker-{writer}", 1, 200, step, null, now, null, now));
            }
        })));

        var sent = new List<TrackedTask>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (sent.Count < 1 + Writers * Steps)
        {
            sent.Add(await stream.Reader.ReadAsync(timeout.Token));
        }

        await feed.StopAsync(CancellationToken.None);
        var latest = sent.MaxBy(t => t.Revision)!;
        Assert.True(latest == board.Find("a"), $"race {race}: the board holds revision {board.Find("a")!.Revision}, the stream was sent {latest.Revision}");
        Assert.Equal(Steps, latest.ProgressSeconds);
    }

    [Fact]
    public void A_completed_event_alone_still_tells_when_the_task_started()
    {
        var board = Board(trackedTasks: 10);
        var started = DateTimeOffset.UtcNow;
        board.Publishing(new PublishedTask("a", 1), "task a.", null);

        board.Apply(new TaskEvent("a", TaskEvent.States.Completed, "worker-0", 1, 1, 1, null, started.AddSeconds(1), null, started));

        var status = board.Find("a")!;
        Assert.Equal(TaskState.Completed, status.State);
        Assert.Equal(started, status.StartedAt);
        Assert.Equal(started.AddSeconds(1), status.FinishedAt);
    }

    [Fact]
    public void A_scheduled_task_shows_as_scheduled_with_its_due_time_until_a_worker_runs_it()
    {
        var board = Board(trackedTasks: 10);
        var due = DateTimeOffset.UtcNow.AddSeconds(60);
        board.Publishing(new PublishedTask("a", 1, due), "task a.", null);
        Assert.Equal((TaskState.Scheduled, due), (board.Find("a")!.State, board.Find("a")!.DueAt));

        board.Apply(new TaskEvent("a", TaskEvent.States.Running, "worker-0", 1, 1, 0, null, due, null));

        Assert.Equal((TaskState.Running, due), (board.Find("a")!.State, board.Find("a")!.DueAt));
    }

    [Fact]
    public void Another_replicas_announcement_makes_the_task_known_here_with_its_due_time()
    {
        var board = Board(trackedTasks: 10);
        var now = DateTimeOffset.UtcNow;

        board.Apply(new TaskEvent("a", TaskEvent.States.Scheduled, string.Empty, 0, 2, 0, null, now, null, null, now.AddSeconds(5)));

        var task = board.Find("a")!;
        Assert.Equal((TaskState.Scheduled, now.AddSeconds(5), now, (string?)null), (task.State, task.DueAt, task.QueuedAt, task.Worker));
    }

    [Fact]
    public void A_late_announcement_never_steps_a_task_back_from_what_a_worker_told()
    {
        var board = Board(trackedTasks: 10);
        var now = DateTimeOffset.UtcNow;
        board.Apply(new TaskEvent("a", TaskEvent.States.Cancelled, "worker-0", 1, 2, 0, null, now, null));

        board.Apply(new TaskEvent("a", TaskEvent.States.Queued, string.Empty, 0, 2, 0, null, now, null));

        Assert.Equal((TaskState.Cancelled, "worker-0"), (board.Find("a")!.State, board.Find("a")!.Worker));
    }

    [Fact]
    public void A_recorded_cancel_is_noted_on_a_known_task_and_refused_for_an_unknown_one()
    {
        var board = Board(trackedTasks: 10);
        var at = DateTimeOffset.UtcNow;
        board.Publishing(new PublishedTask("a", 1), "task a.", null);

        Assert.True(board.CancelRequested("a", at));
        Assert.False(board.CancelRequested("nobody", at));
        Assert.Equal((TaskState.Queued, at), (board.Find("a")!.State, board.Find("a")!.CancelRequestedAt));
    }
}
