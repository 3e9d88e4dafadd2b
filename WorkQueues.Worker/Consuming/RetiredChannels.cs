using RabbitMQ.Client;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// The channels a <see cref="TaskConsumer"/> moved off when it lost its consumer. Each is closed once the tasks taken on
/// it have ended (a delivery is settled on the channel it came on), because only closing a channel makes the broker
/// take back what it still counts as delivered there. Measured in a cluster test run: a quorum task_queue deleted and
/// declared again at once came back with the old queue's consumers, on the Workers' channels, which no longer
/// dispatched for them; each held a task unacked, out of every consumer's reach, for as long as its channel stayed open.
/// </summary>
internal sealed partial class RetiredChannels(ILogger logger)
{
    private Task _closing = Task.CompletedTask;

    /// <summary>Completes once every channel retired so far is closed; it never faults.</summary>
    public Task Closed => _closing;

    /// <summary>Closes <paramref name="channel"/> once <paramref name="inHand"/>, the tasks taken on it, have ended. The heal alone calls it, one call at a time.</summary>
    public void Retire(IChannel channel, IReadOnlyCollection<Task> inHand) =>
        _closing = Task.WhenAll(_closing, CloseWhenSettledAsync(channel, inHand));

    private async Task CloseWhenSettledAsync(IChannel channel, IReadOnlyCollection<Task> inHand)
    {
        try
        {
            await Task.WhenAll(inHand);
        }
        catch (Exception)
        {
            // Each task's own failure is logged where it ran (TaskConsumer.ForgetWhenDoneAsync); here it has ended.
        }

        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync(CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // Closed meanwhile, by the server or with its connection, which returns its deliveries as well.
            if (channel.IsOpen)
            {
                LogNotClosed(ex.Message);
            }
        }
        finally
        {
            await DisposeQuietlyAsync(channel);
        }
    }

    private static async Task DisposeQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception)
        {
            // Nothing is left to release that the broker still counts: the close above was the part that mattered.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not close the task_queue channel the Worker moved off; what the broker holds for it stays held until it closes: {Reason}")]
    private partial void LogNotClosed(string reason);
}
