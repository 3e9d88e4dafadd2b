using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Tasks.Tests;

public sealed class MessageHeadersTests
{
    public static TheoryData<object> EveryIntegerTheClientReads => new()
    {
        (sbyte)3, (byte)3, (short)3, (ushort)3, 3, 3u, 3L,
    };

    [Theory]
    [MemberData(nameof(EveryIntegerTheClientReads))]
    public void An_integer_header_reads_the_same_whichever_integer_type_its_sender_chose(object value)
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["x-attempt"] = value } };

        Assert.Equal(3L, MessageHeaders.IntegerOf(properties, "x-attempt"));
    }

    [Theory]
    [MemberData(nameof(EveryIntegerTheClientReads))]
    public void A_time_limit_reads_from_any_integer_type(object milliseconds)
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { [TaskQueueTopology.TimeoutHeader] = milliseconds } };

        Assert.Equal(TimeSpan.FromMilliseconds(3), TaskMessage.TimeoutOf(properties));
    }

    [Fact]
    public void A_header_absent_or_not_an_integer_reads_as_none()
    {
        var text = new BasicProperties { Headers = new Dictionary<string, object?> { ["x-attempt"] = "3"u8.ToArray(), ["x-ratio"] = 3.0 } };

        Assert.Null(MessageHeaders.IntegerOf(new BasicProperties(), "x-attempt"));
        Assert.Null(MessageHeaders.IntegerOf(text, "x-attempt"));
        Assert.Null(MessageHeaders.IntegerOf(text, "x-ratio"));
        Assert.Null(MessageHeaders.IntegerOf(text, "x-missing"));
    }
}
