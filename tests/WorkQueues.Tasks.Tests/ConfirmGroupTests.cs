using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks.Tests;

public sealed class ConfirmGroupTests
{
    [Fact]
    public void An_empty_group_is_settled_at_once()
    {
        Assert.True(new ConfirmGroup(0).Settled.IsCompletedSuccessfully);
    }

    [Fact]
    public void It_settles_only_once_every_message_has_an_outcome()
    {
        var group = new ConfirmGroup(3);

        group.Confirm(2);
        group.Fail(0, new PublishException(1, isReturn: false));
        Assert.False(group.Settled.IsCompleted);
        group.Confirm(1);

        Assert.True(group.Settled.IsCompletedSuccessfully);
        Assert.Equal(1, group.FailedCount);
        Assert.IsType<PublishException>(group.FailureOf(0));
        Assert.True(group.IsConfirmed(1));
        Assert.True(group.IsConfirmed(2));
    }

    [Fact]
    public void A_second_outcome_for_a_message_changes_nothing()
    {
        // A close can fail a message the broker acked a moment before, and a failed send fail one a close failed already.
        var group = new ConfirmGroup(3);

        group.Confirm(0);
        group.Fail(0, Closed());
        group.Fail(1, new PublishException(2, isReturn: false));
        group.Fail(1, Closed());
        group.Confirm(1);
        Assert.False(group.Settled.IsCompleted);
        group.Confirm(2);

        Assert.True(group.Settled.IsCompletedSuccessfully);
        Assert.Equal(1, group.FailedCount);
        Assert.True(group.IsConfirmed(0));
        Assert.Null(group.FailureOf(0));
        Assert.IsType<PublishException>(group.FailureOf(1));
        Assert.False(group.IsConfirmed(1));
    }

    [Fact]
    public void A_message_not_yet_settled_is_neither_confirmed_nor_failed()
    {
        var group = new ConfirmGroup(2);

        group.Confirm(0);

        Assert.False(group.IsConfirmed(1));
        Assert.Null(group.FailureOf(1));
        Assert.False(group.Settled.IsCompleted);
    }

    private static AlreadyClosedException Closed() => new(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED"));
}
