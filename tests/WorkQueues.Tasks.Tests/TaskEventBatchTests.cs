namespace WorkQueues.Tasks.Tests;

public class TaskEventBatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 5, 0, 0, TimeSpan.Zero);

    private static TaskEvent Event(string id, string state, int second, DateTimeOffset? startedAt = null) =>
        new(id, state, "worker-0", 1, 0, 0, null, Start.AddSeconds(second), null, startedAt);

    [Fact]
    public void A_task_that_ran_and_finished_within_one_batch_is_told_once_finished_with_its_start()
    {
        var batch = new TaskEventBatch(capacity: 10);
        batch.Add(Event("a", TaskEvent.States.Running, 0, Start));
        batch.Add(Event("b", TaskEvent.States.Running, 1, Start.AddSeconds(1)));
        batch.Add(Event("a", TaskEvent.States.Completed, 2, Start));

        Assert.Collection(
            batch.Events,
            a => Assert.Equal((TaskEvent.States.Completed, Start), (a.State, a.StartedAt!.Value)),
            b => Assert.Equal(TaskEvent.States.Running, b.State));
    }

    [Fact]
    public void The_batch_is_full_at_its_capacity_of_distinct_tasks_and_empty_after_clear()
    {
        var batch = new TaskEventBatch(capacity: 2);
        batch.Add(Event("a", TaskEvent.States.Running, 0));
        batch.Add(Event("a", TaskEvent.States.Completed, 1));
        Assert.False(batch.IsFull);

        batch.Add(Event("b", TaskEvent.States.Running, 2));
        Assert.True(batch.IsFull);

        batch.Clear();
        Assert.Empty(batch.Events);
        batch.Add(Event("a", TaskEvent.States.Running, 3));
        Assert.Single(batch.Events);
    }

    [Fact]
    public void A_batch_travels_as_one_json_array_and_reads_back_whole()
    {
        var batch = new TaskEventBatch(capacity: 10);
        batch.Add(Event("a", TaskEvent.States.Completed, 2, Start));
        batch.Add(Event("b", TaskEvent.States.Running, 1, Start.AddSeconds(1)));

        var json = TaskEvent.ToJson(batch.Events);

        Assert.StartsWith("[", System.Text.Encoding.UTF8.GetString(json));
        Assert.Equal(batch.Events, TaskEvent.FromJson(json));
        Assert.Empty(TaskEvent.FromJson("not json"u8));
    }

    [Fact]
    public void A_reused_buffer_holds_each_message_as_its_own_body()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TaskEvent[] first = [Event("a", TaskEvent.States.Completed, 2, Start), Event("b", TaskEvent.States.Running, 1)];
        TaskEvent[] second = [Event("c", TaskEvent.States.Queued, 3)];

        foreach (var events in new[] { first, second })
        {
            buffer.ResetWrittenCount();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                TaskEvent.WriteJson(writer, events);
            }

            Assert.Equal(TaskEvent.ToJson(events), buffer.WrittenSpan.ToArray());
            Assert.Equal(events, TaskEvent.FromJson(buffer.WrittenSpan));
        }
    }
}
