using System.Runtime.ExceptionServices;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// Publishes mandatory messages on one channel (confirms on, RabbitMQ.Client's tracking off) and completes each when
/// the broker acks, nacks or returns it (<see cref="OutstandingPublishes"/>), as RabbitMQ's publisher-confirms tutorial
/// does in its third strategy. RabbitMQ.Client's tracking adds an <c>x-dotnet-pub-seq-no</c> header to every message to
/// match returns; here a return is matched by the message id (<see cref="ReturnKey"/>), so that header is left to the
/// rare message without an id of its own.
/// </summary>
public sealed class PublisherConfirms
{
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly OutstandingPublishes _outstanding = new();
    private volatile bool _abandoned;

    /// <summary>Takes over the confirms of <paramref name="channel"/>, created with confirms on and tracking off.</summary>
    public PublisherConfirms(IChannel channel)
    {
        Channel = channel;
        channel.BasicAcksAsync += (_, e) => Done(() => _outstanding.Settle(e.DeliveryTag, e.Multiple, acked: true));
        channel.BasicNacksAsync += (_, e) => Done(() => _outstanding.Settle(e.DeliveryTag, e.Multiple, acked: false));
        channel.BasicReturnAsync += (_, e) => Done(() =>
        {
            if (ReturnKey.Of(e.BasicProperties) is { } key)
            {
                _outstanding.Returned(key, ReturnedMessage.Of(e));
            }
        });
        channel.ChannelShutdownAsync += (_, e) => Done(() => _outstanding.FailAll(e));
    }

    public IChannel Channel { get; }

    /// <summary>
    /// Publishes with <c>mandatory</c> set and returns once the broker confirmed it. Throws
    /// <see cref="PublishReturnException"/> when the broker returned it (no queue took it),
    /// <see cref="PublishException"/> when it nacked it, and <see cref="AlreadyClosedException"/> when the channel
    /// closed, or was disposed of, first.
    /// </summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var group = new ConfirmGroup(1);
        await SendAsync([new OutgoingMessage(exchange, routingKey, properties, body)], group, cancellationToken);
        await group.Settled.WaitAsync(cancellationToken);
        if (group.FailureOf(0) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>
    /// Publishes the messages in order, each with <c>mandatory</c> set, and returns once they are sent; their
    /// <paramref name="group"/> (one place per message) settles when the broker has answered for every one, each
    /// message's failure in it (the exceptions <see cref="PublishAsync"/> throws). When the channel closes, or a publish
    /// fails, part way, the messages not sent fail with that reason. Throws only when cancelled; the caller keeps the
    /// group, so the answers already in still count.
    /// </summary>
    public async Task SendAsync(IReadOnlyList<OutgoingMessage> messages, ConfirmGroup group, CancellationToken cancellationToken)
    {
        var sent = 0;
        try
        {
            await _publishing.WaitAsync(cancellationToken);
            try
            {
                // A channel that closes and recovers numbers from 1 again: a close after the generation is read fails the
                // publish (Track, or the close itself once tracked), instead of leaving it waiting on another's number.
                var generation = _outstanding.Generation;
                if (_abandoned)
                {
                    throw Disposed();
                }

                if (Channel.CloseReason is { } closed)
                {
                    throw new AlreadyClosedException(closed);
                }

                for (; sent < messages.Count; sent++)
                {
                    var message = messages[sent];
                    var sequence = await Channel.GetNextPublishSequenceNumberAsync(cancellationToken);
                    _outstanding.Track(generation, sequence, message.Properties, group, sent);
                    try
                    {
                        await Channel.BasicPublishAsync(message.Exchange, message.RoutingKey, mandatory: true, message.Properties, message.Body, cancellationToken);
                    }
                    catch
                    {
                        _outstanding.Forget(sequence);
                        throw;
                    }
                }
            }
            finally
            {
                _publishing.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A channel ConfirmedChannel disposed of while this waited its turn counts as closed, so callers retry.
            var failure = ex is ObjectDisposedException ? Disposed() : ex;
            for (var unsent = sent; unsent < messages.Count; unsent++)
            {
                group.Fail(unsent, failure);
            }
        }
    }

    /// <summary>Fails what is still outstanding, and every publish after, for a channel disposed of.</summary>
    public void Abandon()
    {
        _abandoned = true;
        _outstanding.FailAll(_outstanding.Closed ?? DisposedReason);
    }

    private static readonly ShutdownEventArgs DisposedReason = new(ShutdownInitiator.Application, Constants.ReplySuccess, "The channel was disposed of.");

    private AlreadyClosedException Disposed() => new(_outstanding.Closed ?? DisposedReason);

    private static Task Done(Action handle)
    {
        handle();
        return Task.CompletedTask;
    }
}
