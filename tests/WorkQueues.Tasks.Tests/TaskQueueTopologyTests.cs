namespace WorkQueues.Tasks.Tests;

public class TaskQueueTopologyTests
{
    [Theory]
    [InlineData(2, 1_000)]
    [InlineData(3, 2_000)]
    [InlineData(4, 4_000)]
    [InlineData(5, 8_000)]
    public void Retries_wait_twice_as_long_each_time(int nextAttempt, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), TaskQueueTopology.RetryDelay(nextAttempt, TimeSpan.FromSeconds(1)));

    [Fact]
    public void Each_delay_has_its_own_queue_beside_task_queue()
    {
        Assert.Equal("task_queue.retry.1000ms", TaskQueueTopology.RetryQueueName(2, TimeSpan.FromSeconds(1)));
        Assert.Equal("task_queue.retry.400ms", TaskQueueTopology.RetryQueueName(3, TimeSpan.FromMilliseconds(200)));
        Assert.Equal("task_queue.dead", TaskQueueTopology.DeadLetterQueueName);
    }
}
