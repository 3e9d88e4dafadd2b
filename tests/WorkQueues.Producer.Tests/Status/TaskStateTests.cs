using System.Text.Json;
using WorkQueues.Producer.Status;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Tests.Status;

public class TaskStateTests
{
    public static TheoryData<TaskState, string> WireNames => new()
    {
        { TaskState.Scheduled, TaskEvent.States.Scheduled },
        { TaskState.Queued, TaskEvent.States.Queued },
        { TaskState.Running, TaskEvent.States.Running },
        { TaskState.Retrying, TaskEvent.States.Retrying },
        { TaskState.Completed, TaskEvent.States.Completed },
        { TaskState.DeadLettered, TaskEvent.States.DeadLettered },
        { TaskState.Cancelled, TaskEvent.States.Cancelled },
    };

    [Theory]
    [MemberData(nameof(WireNames))]
    public void Each_state_keeps_the_wire_string_the_workers_events_use(TaskState state, string wire)
    {
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(state));
        Assert.True(TaskStates.TryParse(wire, out var parsed));
        Assert.Equal(state, parsed);
        Assert.Equal(wire, state.ToWire());
    }

    [Fact]
    public void Completed_dead_lettered_and_cancelled_tasks_are_finished_and_no_other() =>
        Assert.Equal([TaskState.Completed, TaskState.DeadLettered, TaskState.Cancelled], Enum.GetValues<TaskState>().Where(s => s.IsFinished()));

    [Theory]
    [InlineData("Completed")]
    [InlineData("done")]
    [InlineData(null)]
    public void An_unknown_state_is_not_parsed(string? wire) => Assert.False(TaskStates.TryParse(wire, out _));

    [Fact]
    public void An_event_in_an_unknown_state_leaves_the_board_unchanged()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new ProducerOptions());
        var board = new TaskBoard(options, TimeProvider.System, new TaskChangeFeed(options));

        board.Apply(new TaskEvent("a", "exploded", "worker-0", 1, 1, 0, null, DateTimeOffset.UtcNow, null));

        Assert.Null(board.Find("a"));
    }
}
