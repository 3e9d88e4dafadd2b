using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.Tasks;

/// <summary>
/// One channel with publisher confirms, shared by concurrent publishes and opened again when the broker closed it.
/// Its confirms are tracked by <see cref="PublisherConfirms"/>, not by RabbitMQ.Client, whose tracking puts a header on
/// every message; and no rate limiter is given to RabbitMQ.Client (with more publishes waiting than its limit, 7.2's
/// slows to a crawl), so callers cap what they have in flight themselves.
/// </summary>
public sealed class ConfirmedChannel(IConnection connection, Func<IChannel, CancellationToken, Task>? declare = null) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PublisherConfirms? _confirms;

    /// <summary>Publishes a mandatory message and returns once the broker confirmed it (<see cref="PublisherConfirms.PublishAsync"/>).</summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var confirms = await OpenAsync(cancellationToken);
        await confirms.PublishAsync(exchange, routingKey, properties, body, cancellationToken);
    }

    /// <summary>Publishes mandatory messages together; their group settles as the broker answers (<see cref="PublisherConfirms.SendAsync"/>).</summary>
    public async Task SendAsync(IReadOnlyList<OutgoingMessage> messages, ConfirmGroup group, CancellationToken cancellationToken)
    {
        var confirms = await OpenAsync(cancellationToken);
        await confirms.SendAsync(messages, group, cancellationToken);
    }

    /// <summary>The open channel, to declare on; throws <see cref="AlreadyClosedException"/> while the connection is down.</summary>
    public async ValueTask<IChannel> GetAsync(CancellationToken cancellationToken) => (await OpenAsync(cancellationToken)).Channel;

    private async ValueTask<PublisherConfirms> OpenAsync(CancellationToken cancellationToken)
    {
        if (_confirms is { Channel.IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_confirms is { Channel.IsOpen: true } reopened)
            {
                return reopened;
            }

            if (_confirms is { } closed)
            {
                _confirms = null;
                try
                {
                    await closed.Channel.DisposeAsync();
                }
                finally
                {
                    closed.Abandon();
                }
            }

            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false),
                cancellationToken);
            var confirms = new PublisherConfirms(channel);
            if (declare is not null)
            {
                await declare(channel, cancellationToken);
            }

            _confirms = confirms;
            return confirms;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_confirms is not null)
        {
            try
            {
                await _confirms.Channel.DisposeAsync();
            }
            finally
            {
                _confirms.Abandon();
            }
        }

        _gate.Dispose();
    }
}
