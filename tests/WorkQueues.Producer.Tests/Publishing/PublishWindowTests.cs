using WorkQueues.Producer.Publishing;

namespace WorkQueues.Producer.Tests.Publishing;

public sealed class PublishWindowTests
{
    private static CancellationToken Patience => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    [Fact]
    public async Task A_taker_gets_what_is_free_up_to_what_it_asked()
    {
        var window = new PublishWindow(10);

        Assert.Equal(4, await window.TakeAsync(4, Patience));
        Assert.Equal(6, await window.TakeAsync(100, Patience));
    }

    [Fact]
    public async Task A_taker_waits_for_one_place_and_does_not_hold_it_while_waiting_for_more()
    {
        var window = new PublishWindow(3);
        Assert.Equal(3, await window.TakeAsync(3, Patience));

        var waiting = window.TakeAsync(3, Patience);
        Assert.False(waiting.IsCompleted);
        window.Release(1);

        // One place came free: the taker goes on with it rather than wait for the three it asked for.
        Assert.Equal(1, await waiting);
    }

    [Fact]
    public async Task Places_released_can_be_taken_again_and_a_cancelled_wait_takes_none()
    {
        var window = new PublishWindow(2);
        Assert.Equal(2, await window.TakeAsync(2, Patience));
        using var cancel = new CancellationTokenSource();

        var cancelled = window.TakeAsync(1, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        window.Release(2);

        Assert.Equal(2, await window.TakeAsync(2, Patience));
    }
}
