namespace WorkQueues.Tasks.Tests;

public class TaskOutcomeTests
{
    [Theory]
    [InlineData(TaskOutcome.Completed, "completed", TaskEvent.States.Completed, false)]
    [InlineData(TaskOutcome.Retried, "retried", TaskEvent.States.Retrying, true)]
    [InlineData(TaskOutcome.DeadLettered, "dead_lettered", TaskEvent.States.DeadLettered, true)]
    [InlineData(TaskOutcome.Requeued, "requeued", TaskEvent.States.Queued, false)]
    [InlineData(TaskOutcome.Cancelled, "cancelled", TaskEvent.States.Cancelled, false)]
    public void Each_outcome_has_its_tag_value_and_event_state(TaskOutcome outcome, string tag, string state, bool failure)
    {
        Assert.Equal(tag, outcome.ToTagValue());
        Assert.Equal(state, outcome.ToEventState());
        Assert.Equal(failure, outcome.IsFailure());
    }

    [Fact]
    public void Every_outcome_is_mapped() =>
        Assert.All(Enum.GetValues<TaskOutcome>(), outcome => Assert.False(string.IsNullOrEmpty(outcome.ToTagValue() + outcome.ToEventState())));
}
