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
}
