namespace WorkQueues.Tasks;

/// <summary>
/// The confirms of messages published together, settled once the broker has answered for every one of them, each
/// with its own outcome. A batch waits on one group rather than on a completion per message: with those, every confirm
/// queued its publish's continuation to the thread pool, and the Producer spent twice the CPU per batch task
/// (docs/benchmarks.md, fifteenth pass).
/// </summary>
public sealed class ConfirmGroup
{
    private readonly Exception?[] _failures;
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _unsettled;
    private int _failed;

    public ConfirmGroup(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _failures = new Exception?[count];
        _unsettled = count;
        if (count == 0)
        {
            _settled.SetResult();
        }
    }

    public int Count => _failures.Length;

    /// <summary>Completes once every message is settled; it never fails (each message's failure is its own).</summary>
    public Task Settled => _settled.Task;

    /// <summary>How many messages were not confirmed; final once <see cref="Settled"/> completed.</summary>
    public int FailedCount => Volatile.Read(ref _failed);

    /// <summary>Why the message at <paramref name="index"/> was not confirmed, or null if it was; final once <see cref="Settled"/> completed.</summary>
    public Exception? FailureOf(int index) => Volatile.Read(ref _failures[index]);

    /// <summary>The broker confirmed the message. Each message is settled once.</summary>
    public void Confirm(int index) => Settle();

    /// <summary>The message was not confirmed (nacked, returned, never sent, or its channel closed first). Each message is settled once.</summary>
    public void Fail(int index, Exception failure)
    {
        Volatile.Write(ref _failures[index], failure);
        Interlocked.Increment(ref _failed);
        Settle();
    }

    private void Settle()
    {
        if (Interlocked.Decrement(ref _unsettled) == 0)
        {
            _settled.TrySetResult();
        }
    }
}
