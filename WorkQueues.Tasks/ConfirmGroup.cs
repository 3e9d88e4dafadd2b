namespace WorkQueues.Tasks;

/// <summary>
/// The confirms of messages published together, settled once the broker has answered for every one of them, each
/// with its own outcome. A batch waits on one group rather than on a completion per message: with those, every confirm
/// queued its publish's continuation to the thread pool, and the Producer spent twice the CPU per batch task
/// (docs/benchmarks.md, fifteenth pass). Each message settles once: a later outcome for it (a close after its ack, a
/// failed send after the close already failed it) changes nothing.
/// </summary>
public sealed class ConfirmGroup
{
    private static readonly object ConfirmedOutcome = new();

    // Per message: null while unsettled, then ConfirmedOutcome or the exception it failed with.
    private readonly object?[] _outcomes;
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unsettled;
    private int _failed;

    public ConfirmGroup(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _outcomes = new object?[count];
        _unsettled = count;
        if (count == 0)
        {
            _settled.SetResult();
        }
    }

    /// <summary>Completes once every message is settled; it never fails (each message's failure is its own).</summary>
    public Task Settled => _settled.Task;

    /// <summary>How many messages were not confirmed; final once <see cref="Settled"/> completed.</summary>
    public int FailedCount => Volatile.Read(ref _failed);

    /// <summary>Whether the broker has confirmed the message at <paramref name="index"/> (so far).</summary>
    public bool IsConfirmed(int index) => ReferenceEquals(Volatile.Read(ref _outcomes[index]), ConfirmedOutcome);

    /// <summary>Why the message at <paramref name="index"/> was not confirmed; null if it was, or is not settled yet.</summary>
    public Exception? FailureOf(int index) => Volatile.Read(ref _outcomes[index]) as Exception;

    /// <summary>The broker confirmed the message, unless it was settled already.</summary>
    public void Confirm(int index) => Settle(index, ConfirmedOutcome);

    /// <summary>The message was not confirmed (nacked, returned, never sent, or its channel closed first), unless it was settled already.</summary>
    public void Fail(int index, Exception failure) => Settle(index, failure);

    private void Settle(int index, object outcome)
    {
        if (Interlocked.CompareExchange(ref _outcomes[index], outcome, null) is not null)
        {
            return;
        }

        if (outcome is Exception)
        {
            Interlocked.Increment(ref _failed);
        }

        if (Interlocked.Decrement(ref _unsettled) == 0)
        {
            _settled.TrySetResult();
        }
    }
}
