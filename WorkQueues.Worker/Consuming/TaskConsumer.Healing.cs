using System.Threading.Channels;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Consuming;

/// <summary>How the consumer comes back: a loss is signalled, and one loop consumes again with backoff.</summary>
public sealed partial class TaskConsumer
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(15);

    private readonly Channel<bool> _lost = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Task _healing = Task.CompletedTask;

    private Task LostAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _lost.Writer.TryWrite(true);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Consumes again after a loss, pausing first (1 s, doubling to 15 s) so the client's own recovery of a lost
    /// connection goes first and nothing retries in a hot loop.
    /// </summary>
    private async Task HealAsync(CancellationToken stopping)
    {
        try
        {
            while (await _lost.Reader.WaitToReadAsync(stopping))
            {
                _lost.Reader.TryRead(out _);
                for (var pause = FirstPause; !IsConsuming; pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks)))
                {
                    await Task.Delay(pause, stopping);
                    if (IsConsuming)
                    {
                        break;
                    }

                    try
                    {
                        await SubscribeAsync(stopping);
                        LogResumed(TaskQueueTopology.QueueName);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogNotConsuming(ex.Message, pause * 2 < LongestPause ? pause * 2 : LongestPause);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: nothing more to heal.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not consuming task_queue ({Reason}); trying again in {Pause}")]
    private partial void LogNotConsuming(string reason, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue} again")]
    private partial void LogResumed(string queue);
}
