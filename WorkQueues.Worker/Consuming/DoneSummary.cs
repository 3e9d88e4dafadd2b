using Microsoft.Extensions.Options;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// With <c>Worker:DoneLog=Summary</c>, counts the tasks done instead of logging each, and logs the count once a second
/// while there is one (and once more on shutdown). With <see cref="DoneLog.EveryTask"/> it does nothing.
/// </summary>
public sealed partial class DoneSummary(IOptions<WorkerOptions> options, TimeProvider time, ILogger<DoneSummary> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private long _done;

    /// <summary>Counts a task done into the next summary; false when each task logs its own line instead.</summary>
    public bool TryCount()
    {
        if (options.Value.DoneLog != DoneLog.Summary)
        {
            return false;
        }

        Interlocked.Increment(ref _done);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.DoneLog != DoneLog.Summary)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown: the tasks finished since the last tick are logged below.
        }

        Flush();
    }

    /// <summary>Logs the tasks counted since the last summary, if any; returns how many.</summary>
    internal long Flush()
    {
        var done = Interlocked.Exchange(ref _done, 0);
        if (done > 0)
        {
            LogSummary(done);
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Done {Count} tasks (Worker:DoneLog=Summary)")]
    private partial void LogSummary(long count);
}
