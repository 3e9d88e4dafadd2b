using RabbitMQ.Client;

namespace WorkQueues.Tasks.Tests;

public class TaskMessageTests
{
    [Fact]
    public void Messages_are_persistent_plain_text_with_their_id_and_time()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

        var properties = TaskMessage.CreateProperties("abc", now);

        Assert.Equal(DeliveryModes.Persistent, properties.DeliveryMode);
        Assert.True(properties.Persistent);
        Assert.Equal("abc", properties.MessageId);
        Assert.Equal("text/plain", properties.ContentType);
        Assert.Equal(now.ToUnixTimeSeconds(), properties.Timestamp.UnixTime);
        Assert.Null(properties.Headers);
    }

    [Fact]
    public void Ids_are_unique_and_url_safe()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => TaskMessage.NewId()).ToHashSet();

        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public void A_scheduled_task_with_a_time_limit_carries_its_due_time_and_limit_as_headers_and_goes_to_the_delay_levels()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var controls = new TaskControls(now.AddSeconds(5), 5, TimeSpan.FromSeconds(2));

        var properties = TaskMessage.CreateProperties("abc", now, controls);

        Assert.Equal("2026-11-28T12:00:05.000Z", properties.Headers![TaskQueueTopology.DueAtHeader]);
        Assert.Equal(2_000L, properties.Headers[TaskQueueTopology.TimeoutHeader]);
        Assert.Equal(TimeSpan.FromSeconds(2), TaskMessage.TimeoutOf(properties));
        Assert.Equal((TaskDelayTopology.EntryExchangeName, TaskDelayTopology.RoutingKey(5)), TaskMessage.DestinationOf(controls));
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(5_000_000_000L)] // past what a CancellationTokenSource's timer takes (about 49 days)
    public void A_time_limit_another_client_asks_beyond_the_longest_is_held_to_the_longest(long milliseconds)
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { [TaskQueueTopology.TimeoutHeader] = milliseconds } };

        Assert.Equal(TaskControls.MaxTimeout, TaskMessage.TimeoutOf(properties));
    }

    [Fact]
    public void A_task_without_controls_is_the_tutorials_plain_message_to_task_queue()
    {
        var properties = TaskMessage.CreateProperties("abc", DateTimeOffset.UtcNow, TaskControls.None);

        Assert.Null(properties.Headers);
        Assert.Null(TaskMessage.TimeoutOf(properties));
        Assert.Equal((string.Empty, "task_queue"), TaskMessage.DestinationOf(TaskControls.None));
    }

    [Fact]
    public void A_cancel_reads_back_from_its_json_and_anything_else_is_no_cancel()
    {
        var cancel = new TaskCancellation("abc", new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(cancel, TaskCancellation.FromJson(cancel.ToJson()));
        Assert.Null(TaskCancellation.FromJson("not json"u8));
        Assert.Null(TaskCancellation.FromJson("{}"u8));
    }
}
