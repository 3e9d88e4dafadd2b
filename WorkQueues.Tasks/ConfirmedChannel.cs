using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// One channel with publisher confirms, shared by concurrent publishes and opened again when the broker closed it.
/// No rate limiter is given to RabbitMQ.Client: with more publishes waiting than its limit, 7.2's slows to a crawl,
/// so callers cap what they have in flight themselves.
/// </summary>
public sealed class ConfirmedChannel(IConnection connection, Func<IChannel, CancellationToken, Task>? declare = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IChannel? _channel;

    /// <summary>The open channel; throws <see cref="AlreadyClosedException"/> while the connection is down.</summary>
    public async ValueTask<IChannel> GetAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } reopened)
            {
                return reopened;
            }

            if (_channel is not null)
            {
                await _channel.DisposeAsync();
                _channel = null;
            }

            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            if (declare is not null)
            {
                await declare(channel, cancellationToken);
            }

            _channel = channel;
            return channel;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _gate.Dispose();
    }
}
