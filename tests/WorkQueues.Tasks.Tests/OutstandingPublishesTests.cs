using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Tasks.Tests;

public sealed class OutstandingPublishesTests
{
    private readonly OutstandingPublishes _outstanding = new();

    [Fact]
    public void A_multiple_ack_confirms_every_number_up_to_its_tag_and_no_later_one()
    {
        var confirms = Enumerable.Range(1, 5).Select(sequence => Track((ulong)sequence)).ToList();

        _outstanding.Settle(3, multiple: true, acked: true);

        Assert.All(confirms.Take(3), confirm => Assert.True(IsConfirmed(confirm)));
        Assert.All(confirms.Skip(3), confirm => Assert.False(confirm.Settled.IsCompleted));
    }

    [Fact]
    public void Single_acks_in_any_order_and_a_multiple_one_after_them_settle_each_once()
    {
        var confirms = Enumerable.Range(1, 4).Select(sequence => Track((ulong)sequence)).ToList();

        _outstanding.Settle(3, multiple: false, acked: true);
        _outstanding.Settle(1, multiple: false, acked: false);
        Assert.True(IsConfirmed(confirms[2]));
        Assert.False(Assert.IsType<PublishException>(confirms[0].FailureOf(0)).IsReturn);
        Assert.False(confirms[1].Settled.IsCompleted);

        _outstanding.Settle(4, multiple: true, acked: true);

        Assert.True(IsConfirmed(confirms[1]));
        Assert.True(IsConfirmed(confirms[3]));
        Assert.IsType<PublishException>(confirms[0].FailureOf(0)); // not settled again
        Assert.Equal(1, confirms[0].FailedCount);
    }

    [Fact]
    public void A_returned_message_fails_with_the_brokers_reply_when_its_ack_comes_and_its_neighbour_does_not()
    {
        var routed = Track(1, "task-1");
        var returned = Track(2, "task-2");

        _outstanding.Returned(new ReturnKey("task-2", 0), new ReturnedMessage(312, "NO_ROUTE", string.Empty, "task_queue"));
        _outstanding.Settle(2, multiple: true, acked: true);

        Assert.True(IsConfirmed(routed));
        var failure = Assert.IsType<PublishReturnException>(returned.FailureOf(0));
        Assert.Equal((312, "NO_ROUTE", "task_queue"), (failure.ReplyCode, failure.ReplyText, failure.RoutingKey));
    }

    [Fact]
    public void A_second_message_with_an_outstanding_id_is_matched_by_its_number()
    {
        var first = Track(1, "task-1");
        var properties = new BasicProperties { MessageId = "task-1" };
        var second = new ConfirmGroup(1);
        _outstanding.Track(_outstanding.Generation, 2, properties, second, 0);

        _outstanding.Returned(ReturnKey.Of(properties)!.Value, new ReturnedMessage(312, "NO_ROUTE", string.Empty, "missing"));
        _outstanding.Settle(2, multiple: true, acked: true);

        Assert.True(IsConfirmed(first));
        Assert.IsType<PublishReturnException>(second.FailureOf(0));
    }

    [Fact]
    public void A_close_fails_what_is_outstanding_and_a_number_taken_before_it_cannot_be_tracked_after()
    {
        var generation = _outstanding.Generation;
        var outstanding = Track(1);
        var reason = new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED");

        _outstanding.FailAll(reason);

        Assert.IsType<AlreadyClosedException>(outstanding.FailureOf(0));
        // The recovered channel numbers from 1 again: a publish that read its number before the close must not wait on it.
        Assert.Throws<AlreadyClosedException>(() => _outstanding.Track(generation, 7, new BasicProperties { MessageId = "late" }, new ConfirmGroup(1), 0));
        var after = Track(1);
        _outstanding.Settle(1, multiple: false, acked: true);
        Assert.True(IsConfirmed(after));
    }

    [Fact]
    public void A_group_settles_once_each_of_its_messages_has_its_own_outcome()
    {
        var group = new ConfirmGroup(3);
        for (var i = 0; i < 3; i++)
        {
            _outstanding.Track(_outstanding.Generation, (ulong)i + 1, new BasicProperties { MessageId = $"task-{i}" }, group, i);
        }

        _outstanding.Settle(2, multiple: false, acked: false);
        _outstanding.Settle(1, multiple: false, acked: true);
        Assert.False(group.Settled.IsCompleted);

        _outstanding.Settle(3, multiple: true, acked: true);

        Assert.True(group.Settled.IsCompletedSuccessfully);
        Assert.Equal(1, group.FailedCount);
        Assert.Null(group.FailureOf(0));
        Assert.IsType<PublishException>(group.FailureOf(1));
        Assert.Null(group.FailureOf(2));
    }

    private static bool IsConfirmed(ConfirmGroup group) => group.Settled.IsCompleted && group.FailureOf(0) is null;

    private ConfirmGroup Track(ulong sequence, string? id = null)
    {
        var group = new ConfirmGroup(1);
        _outstanding.Track(_outstanding.Generation, sequence, new BasicProperties { MessageId = id ?? $"task-{sequence}" }, group, 0);
        return group;
    }
}
