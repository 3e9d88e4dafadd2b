using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// Publishes mandatory messages on one channel (confirms on, RabbitMQ.Client's tracking off) and completes each when
/// the broker acks, nacks or returns it, as RabbitMQ's publisher-confirms tutorial does in its third strategy.
/// RabbitMQ.Client's tracking adds an <c>x-dotnet-pub-seq-no</c> header to every message to match returns; here a return
/// is matched by the message id (<see cref="ReturnKey"/>): our messages carry only the headers we give them.
/// </summary>
public sealed class PublisherConfirms
{
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Outstanding> _outstanding = [];
    // The message ids outstanding: a second message with one of them is matched by its sequence number instead.
    private readonly HashSet<string> _outstandingIds = new(StringComparer.Ordinal);
    // Returned messages whose ack has not come yet: the broker sends a message's basic.return before its basic.ack.
    private readonly Dictionary<string, ReturnedMessage> _returned = new(StringComparer.Ordinal);
    private ulong _oldest = ulong.MaxValue;
    private int _generation;
    private ShutdownEventArgs? _closed;

    private readonly record struct Outstanding(string Key, bool ById, TaskCompletionSource Confirmed);

    /// <summary>Takes over the confirms of <paramref name="channel"/>, created with confirms on and tracking off.</summary>
    public PublisherConfirms(IChannel channel)
    {
        Channel = channel;
        channel.BasicAcksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: true);
        channel.BasicNacksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: false);
        channel.BasicReturnAsync += (_, e) => Returned(e);
        channel.ChannelShutdownAsync += (_, e) => Close(e);
    }

    public IChannel Channel { get; }

    /// <summary>
    /// Publishes with <c>mandatory</c> set and returns once the broker confirmed it. Throws
    /// <see cref="PublishReturnException"/> when the broker returned it (no queue took it),
    /// <see cref="PublishException"/> when it nacked it, and <see cref="AlreadyClosedException"/> when the channel
    /// closed first.
    /// </summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            // A closed channel that recovers numbers from 1 again. The generation is read before, and checked after, the
            // sequence number is taken and the message sent: a close in between fails the publish, as a closed channel
            // would, instead of leaving it waiting for a number the new channel gives another message.
            var generation = Volatile.Read(ref _generation);
            if (Channel.CloseReason is { } closed)
            {
                throw new AlreadyClosedException(closed);
            }

            var sequence = await Channel.GetNextPublishSequenceNumberAsync(cancellationToken);
            lock (_lock)
            {
                ThrowIfClosedSince(generation);
                Track(sequence, properties, confirmed);
            }

            var sent = false;
            try
            {
                await Channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, cancellationToken);
                sent = true;
            }
            finally
            {
                lock (_lock)
                {
                    // Unsent, RabbitMQ.Client gives its number to the next publish; sent across a close, it may be another's.
                    if (!sent || generation != _generation)
                    {
                        Forget(sequence);
                    }

                    ThrowIfClosedSince(generation);
                }
            }
        }
        finally
        {
            _publishing.Release();
        }

        await confirmed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Fails what is still outstanding, for a channel disposed of without its close being seen.</summary>
    public void Abandon() => Close(new ShutdownEventArgs(ShutdownInitiator.Application, Constants.ReplySuccess, "The channel was disposed of."));

    private void ThrowIfClosedSince(int generation)
    {
        if (generation != _generation)
        {
            throw new AlreadyClosedException(_closed!);
        }
    }

    /// <summary>Keeps the publish's completion under its sequence number, and its <see cref="ReturnKey"/>.</summary>
    private void Track(ulong sequence, BasicProperties properties, TaskCompletionSource confirmed)
    {
        if (_outstanding.TryGetValue(sequence, out var stale))
        {
            // Cannot happen while the generation checks hold; if it did, that publish's fate is unknown, not confirmed.
            Forget(sequence);
            Fail(stale, new AlreadyClosedException(_closed ?? new ShutdownEventArgs(ShutdownInitiator.Library, 0, "The sequence number was given again.")));
        }

        var byId = properties.MessageId is { } id && _outstandingIds.Add(id);
        var key = ReturnKey.Assign(properties, sequence, idIsFree: byId);
        _outstanding.Add(sequence, new Outstanding(key, byId, confirmed));
        _oldest = Math.Min(_oldest, sequence);
    }

    private void Forget(ulong sequence)
    {
        if (_outstanding.Remove(sequence, out var outstanding) && outstanding.ById)
        {
            _outstandingIds.Remove(outstanding.Key);
        }
    }

    private Task Settle(ulong tag, bool multiple, bool acked)
    {
        lock (_lock)
        {
            // A multiple ack or nack settles every number up to its tag; single ones can come in any order.
            for (var sequence = multiple ? _oldest : tag; sequence <= tag && _outstanding.Count > 0; sequence++)
            {
                Settle(sequence, acked);
            }

            _oldest = _outstanding.Count == 0 ? ulong.MaxValue : multiple ? Math.Max(_oldest, tag + 1) : _oldest;
        }

        return Task.CompletedTask;
    }

    private void Settle(ulong sequence, bool acked)
    {
        if (!_outstanding.TryGetValue(sequence, out var outstanding))
        {
            return;
        }

        Forget(sequence);
        var returned = _returned.Remove(outstanding.Key, out var back);
        if (!acked || returned)
        {
            Fail(outstanding, acked ? back.ToException(sequence) : new PublishException(sequence, isReturn: false));
        }
        else
        {
            outstanding.Confirmed.TrySetResult();
        }
    }

    private Task Returned(BasicReturnEventArgs e)
    {
        if (ReturnKey.Of(e.BasicProperties) is { } key)
        {
            lock (_lock)
            {
                _returned[key] = ReturnedMessage.Of(e);
            }
        }

        return Task.CompletedTask;
    }

    private Task Close(ShutdownEventArgs reason)
    {
        lock (_lock)
        {
            _generation++;
            _closed = reason;
            foreach (var outstanding in _outstanding.Values)
            {
                Fail(outstanding, new AlreadyClosedException(reason));
            }

            _outstanding.Clear();
            _outstandingIds.Clear();
            _returned.Clear();
            _oldest = ulong.MaxValue;
        }

        return Task.CompletedTask;
    }

    private static void Fail(Outstanding outstanding, Exception failure) => outstanding.Confirmed.TrySetException(failure);
}
