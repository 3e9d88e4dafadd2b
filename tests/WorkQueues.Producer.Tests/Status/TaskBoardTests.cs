using Microsoft.Extensions.Options;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Status;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Tests.Status;

public class TaskBoardTests
{
    private static TaskBoard Board(int trackedTasks) =>
        new(Options.Create(new ProducerOptions { TrackedTasks = trackedTasks }), TimeProvider.System, new TaskChangeFeed(Options.Create(new ProducerOptions())));

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
}
