using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// The publishes on one channel still waiting for the broker's word, by sequence number, and how each ends: acked,
/// nacked, returned (a <c>basic.return</c> comes before the message's ack), or failed when the channel closes. A
/// multiple ack or nack settles every number up to its tag; single ones can come in any order.
/// </summary>
public sealed class OutstandingPublishes
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Outstanding> _byNumber = [];
    // The message ids outstanding: a second message with one of them is keyed by its sequence number instead.
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<ReturnKey, ReturnedMessage> _returned = [];
    private ulong _oldest = ulong.MaxValue;
    private int _generation;

    private readonly record struct Outstanding(ReturnKey Key, ConfirmGroup Group, int Index);

    /// <summary>Counts the channel's closes: a number taken before a close may be the recovered channel's next.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Why the channel last closed; none while it never did.</summary>
    public ShutdownEventArgs? Closed { get; private set; }

    /// <summary>
    /// Keeps the message at <paramref name="index"/> of <paramref name="group"/> under <paramref name="sequence"/> and
    /// gives it its <see cref="ReturnKey"/>; throws <see cref="AlreadyClosedException"/> when the channel closed since
    /// <paramref name="generation"/> was read.
    /// </summary>
    public void Track(int generation, ulong sequence, BasicProperties properties, ConfirmGroup group, int index)
    {
        lock (_lock)
        {
            if (generation != _generation)
            {
                throw new AlreadyClosedException(Closed!);
            }

            var byId = properties.MessageId is { } id && _ids.Add(id);
            _byNumber.Add(sequence, new Outstanding(ReturnKey.Assign(properties, sequence, idIsFree: byId), group, index));
            _oldest = Math.Min(_oldest, sequence);
        }
    }

    /// <summary>Drops a publish that was not sent: RabbitMQ.Client gives its number to the next.</summary>
    public void Forget(ulong sequence)
    {
        lock (_lock)
        {
            Remove(sequence);
        }
    }

    public void Settle(ulong tag, bool multiple, bool acked)
    {
        lock (_lock)
        {
            for (var sequence = multiple ? _oldest : tag; sequence <= tag && _byNumber.Count > 0; sequence++)
            {
                SettleOne(sequence, acked);
            }

            _oldest = _byNumber.Count == 0 ? ulong.MaxValue : multiple ? Math.Max(_oldest, tag + 1) : _oldest;
            if (_byNumber.Count == 0)
            {
                _returned.Clear(); // A return whose publish is no longer tracked (failed by a close) waits for nothing.
            }
        }
    }

    public void Returned(ReturnKey key, ReturnedMessage message)
    {
        lock (_lock)
        {
            _returned[key] = message;
        }
    }

    /// <summary>Fails every publish still outstanding: the channel closed (or was disposed of) before their confirms.</summary>
    public void FailAll(ShutdownEventArgs reason)
    {
        lock (_lock)
        {
            _generation++;
            Closed = reason;
            foreach (var outstanding in _byNumber.Values)
            {
                outstanding.Group.Fail(outstanding.Index, new AlreadyClosedException(reason));
            }

            _byNumber.Clear();
            _ids.Clear();
            _returned.Clear();
            _oldest = ulong.MaxValue;
        }
    }

    private void SettleOne(ulong sequence, bool acked)
    {
        if (Remove(sequence) is not { } outstanding)
        {
            return;
        }

        var returned = _returned.Remove(outstanding.Key, out var message);
        if (!acked)
        {
            outstanding.Group.Fail(outstanding.Index, new PublishException(sequence, isReturn: false));
        }
        else if (returned)
        {
            outstanding.Group.Fail(outstanding.Index, message.ToException(sequence));
        }
        else
        {
            outstanding.Group.Confirm(outstanding.Index);
        }
    }

    private Outstanding? Remove(ulong sequence)
    {
        if (!_byNumber.Remove(sequence, out var outstanding))
        {
            return null;
        }

        if (outstanding.Key.MessageId is { } id)
        {
            _ids.Remove(id);
        }

        return outstanding;
    }
}
