using RabbitMQ.Client;

namespace WorkQueues.Worker;

/// <summary>How the Worker lets go of a channel the server closed before it opens another.</summary>
public static class ChannelCleanup
{
    /// <summary>
    /// Aborts the channel, which drops it and its consumers from the client's recovery records, then disposes it. The
    /// client may have disposed it already when the server closed it (measured: an <see cref="ObjectDisposedException"/>
    /// from the abort), and then there is nothing left to drop.
    /// </summary>
    public static async Task AbortAndDisposeAsync(IChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            await channel.AbortAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Already disposed.
        }

        await channel.DisposeAsync();
    }
}
