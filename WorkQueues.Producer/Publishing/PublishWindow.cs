namespace WorkQueues.Producer.Publishing;

/// <summary>
/// The places for publishes awaiting their confirm, <see cref="ProducerOptions.MaxPublishesInFlight"/> of them. A
/// taker waits for one place, then takes at once whatever more are free, up to what it asked: it never holds places
/// while waiting for more, so two takers never wait on each other.
/// </summary>
internal sealed class PublishWindow(int size)
{
    // Not disposed: with no wait handle asked for it holds nothing to free, and a part still in flight at shutdown releases into it.
    private readonly SemaphoreSlim _free = new(size, size);

    /// <summary>Takes between one and <paramref name="most"/> places; returns how many, to <see cref="Release"/> later.</summary>
    public async Task<int> TakeAsync(int most, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken);
        var taken = 1;
        while (taken < most && _free.Wait(0))
        {
            taken++;
        }

        return taken;
    }

    public void Release(int count) => _free.Release(count);
}
