using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker.Tests.Consuming;

public sealed class TaskDeliveryTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    [InlineData(6, 5)]
    [InlineData(int.MaxValue, 5)]
    [InlineData(0, 1)]
    [InlineData(-7, 1)]
    public void A_foreign_attempt_header_is_clamped_to_one_to_max_attempts(int header, int expected)
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { [TaskQueueTopology.AttemptHeader] = header } };

        Assert.Equal(expected, TaskDelivery.AttemptOf(properties, maxAttempts: 5));
    }

    [Fact]
    public void A_long_beyond_int_is_clamped_not_wrapped()
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { [TaskQueueTopology.AttemptHeader] = 4_294_967_297L } };

        Assert.Equal(5, TaskDelivery.AttemptOf(properties, maxAttempts: 5));
    }

    [Fact]
    public void No_header_or_a_non_number_is_the_first_attempt()
    {
        Assert.Equal(1, TaskDelivery.AttemptOf(new BasicProperties(), 5));
        Assert.Equal(1, TaskDelivery.AttemptOf(new BasicProperties { Headers = new Dictionary<string, object?> { [TaskQueueTopology.AttemptHeader] = "3"u8.ToArray() } }, 5));
    }
}
