using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Tasks.Tests;

public sealed class ReturnKeyTests
{
    [Fact]
    public void A_message_with_a_free_id_is_keyed_by_it_and_gets_no_header()
    {
        var properties = new BasicProperties { MessageId = "task-1" };

        Assert.Equal(new ReturnKey("task-1", 0), ReturnKey.Assign(properties, 42, idIsFree: true));
        Assert.Null(properties.Headers);
        Assert.Equal(new ReturnKey("task-1", 0), ReturnKey.Of(properties));
    }

    [Fact]
    public void A_copy_keyed_by_its_id_loses_the_sequence_number_another_publisher_gave_it_and_keeps_the_rest()
    {
        var original = new Dictionary<string, object?> { [Constants.PublishSequenceNumberHeader] = 7L, ["x-attempt"] = 2 };
        var properties = new BasicProperties { MessageId = "task-1", Headers = original };

        ReturnKey.Assign(properties, 42, idIsFree: true);

        Assert.Equal(["x-attempt"], properties.Headers!.Keys);
        Assert.Equal(2, original.Count); // the delivery's own headers are not changed
        Assert.Equal(new ReturnKey("task-1", 0), ReturnKey.Of(properties));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("task-1", false)]
    public void A_message_without_an_id_or_whose_id_is_outstanding_is_keyed_by_its_sequence_number(string? id, bool idIsFree)
    {
        var properties = new BasicProperties { MessageId = id, Headers = new Dictionary<string, object?> { ["x-attempt"] = 2 } };

        var key = ReturnKey.Assign(properties, 42, idIsFree);

        Assert.Equal(new ReturnKey(null, 42), key);
        Assert.Equal(42L, properties.Headers![Constants.PublishSequenceNumberHeader]);
        Assert.Equal(2, properties.Headers["x-attempt"]);
        Assert.Equal(key, ReturnKey.Of(properties));
        Assert.NotEqual(ReturnKey.Assign(new BasicProperties { MessageId = id }, 43, idIsFree), key);
    }

    [Fact]
    public void An_id_that_looks_like_a_number_is_not_taken_for_one()
    {
        Assert.NotEqual(ReturnKey.Assign(new BasicProperties { MessageId = "42" }, 1, idIsFree: true), ReturnKey.Assign(new BasicProperties(), 42, idIsFree: true));
        Assert.Null(ReturnKey.Of(new BasicProperties()));
    }
}
