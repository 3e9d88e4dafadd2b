using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// Publishes mandatory messages on one channel (confirms on, RabbitMQ.Client's tracking off) and completes each when
/// the broker acks, nacks or returns it. RabbitMQ.Client's own tracking adds an <c>x-dotnet-pub-seq-no</c> header to
/// every message to match returns: the header cost the broker about a fifth of its CPU per message here
/// (docs/benchmarks.md). A return is matched by the message id instead, so our messages carry no header they did not ask for.
/// </summary>
public sealed class PublisherConfirms
{
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Outstanding> _outstanding = [];
    // Message keys returned whose ack has not come yet: the broker sends a message's basic.return before its basic.ack.
    private readonly Dictionary<string, int> _returned = new(StringComparer.Ordinal);
    private ulong _oldest = ulong.MaxValue;
    private int _generation;
    private ShutdownEventArgs? _closed;

    private readonly record struct Outstanding(string Key, TaskCompletionSource Confirmed);

    /// <summary>Takes over the confirms of <paramref name="channel"/>, created with confirms on and tracking off.</summary>
    public PublisherConfirms(IChannel channel)
    {
        Channel = channel;
        channel.BasicAcksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: true);
        channel.BasicNacksAsync += (_, e) => Settle(e.DeliveryTag, e.Multiple, acked: false);
        channel.BasicReturnAsync += (_, e) => Returned(e);
        channel.ChannelShutdownAsync += (_, e) => Closed(e);
    }

    public IChannel Channel { get; }

    /// <summary>
    /// Publishes with <c>mandatory</c> set and returns once the broker confirmed it. Throws
    /// <see cref="PublishException"/> when the broker returned (no queue took it) or nacked it, and
    /// <see cref="AlreadyClosedException"/> when the channel closed first.
    /// </summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var confirmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            // Read before the sequence number: a channel that closed and recovered in between numbers from 1 again.
            var generation = Volatile.Read(ref _generation);
            var sequence = await Channel.GetNextPublishSequenceNumberAsync(cancellationToken);
            var key = KeyOf(properties, sequence);
            lock (_lock)
            {
                if (generation != _generation)
                {
                    throw new AlreadyClosedException(_closed!);
                }

                _outstanding.Add(sequence, new Outstanding(key, confirmed));
                _oldest = Math.Min(_oldest, sequence);
            }

            try
            {
                await Channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, cancellationToken);
            }
            catch
            {
                // Not sent: RabbitMQ.Client gives its number to the next publish.
                lock (_lock)
                {
                    _outstanding.Remove(sequence);
                }

                throw;
            }
        }
        finally
        {
            _publishing.Release();
        }

        await confirmed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// What a return is matched by: the message id, which every message we send has; a message without one (another
    /// client's, forwarded) carries its sequence number in RabbitMQ.Client's header instead, as its tracking would.
    /// </summary>
    private static string KeyOf(BasicProperties properties, ulong sequence)
    {
        if (properties.MessageId is { } id)
        {
            return id;
        }

        properties.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>())
        {
            [Constants.PublishSequenceNumberHeader] = (long)sequence,
        };
        return SequenceKey((long)sequence);
    }

    private static string SequenceKey(long sequence) => $"#{sequence}";

    private Task Settle(ulong tag, bool multiple, bool acked)
    {
        lock (_lock)
        {
            if (!multiple)
            {
                Settle(tag, acked);
                return Task.CompletedTask;
            }

            for (var sequence = _oldest; sequence <= tag && _outstanding.Count > 0; sequence++)
            {
                Settle(sequence, acked);
            }

            _oldest = _outstanding.Count == 0 ? ulong.MaxValue : Math.Max(_oldest, tag + 1);
        }

        return Task.CompletedTask;
    }

    private void Settle(ulong sequence, bool acked)
    {
        if (!_outstanding.Remove(sequence, out var outstanding))
        {
            return;
        }

        if (!acked)
        {
            outstanding.Confirmed.TrySetException(new PublishException(sequence, isReturn: false));
        }
        else if (_returned.Count > 0 && TakeReturned(outstanding.Key))
        {
            outstanding.Confirmed.TrySetException(new PublishException(sequence, isReturn: true));
        }
        else
        {
            outstanding.Confirmed.TrySetResult();
        }
    }

    private bool TakeReturned(string key)
    {
        if (!_returned.TryGetValue(key, out var count))
        {
            return false;
        }

        if (count == 1)
        {
            _returned.Remove(key);
        }
        else
        {
            _returned[key] = count - 1;
        }

        return true;
    }

    private Task Returned(BasicReturnEventArgs e)
    {
        var key = e.BasicProperties.MessageId
            ?? (MessageHeaders.IntegerOf(e.BasicProperties, Constants.PublishSequenceNumberHeader) is { } sequence ? SequenceKey(sequence) : null);
        if (key is not null)
        {
            lock (_lock)
            {
                _returned[key] = _returned.GetValueOrDefault(key) + 1;
            }
        }

        return Task.CompletedTask;
    }

    private Task Closed(ShutdownEventArgs reason)
    {
        lock (_lock)
        {
            _generation++;
            _closed = reason;
            foreach (var outstanding in _outstanding.Values)
            {
                outstanding.Confirmed.TrySetException(new AlreadyClosedException(reason));
            }

            _outstanding.Clear();
            _returned.Clear();
            _oldest = ulong.MaxValue;
        }

        return Task.CompletedTask;
    }
}
