using Microsoft.Extensions.Options;

namespace WorkQueues.Worker.Consuming;

/// <summary>
/// Decides which finished tasks log their own <c> [x] Done</c> line (<see cref="DoneLog"/>), counts the others, and
/// logs that count once a second while there is one (and once more on shutdown).
/// </summary>
public sealed partial class DoneSummary(IOptions<WorkerOptions> options, TimeProvider time, ILogger<DoneSummary> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private long _done;
    private long _second = -1;
    private long _linesThisSecond;

    /// <summary>Counts a task done into the next summary; false when the task logs its own line instead.</summary>
    public bool TryCount()
    {
        var settings = options.Value;
        if (settings.DoneLog == DoneLog.EveryTask || (settings.DoneLog == DoneLog.Adaptive && TakeLine(settings.DoneLinesPerSecond)))
        {
            return false;
        }

        Interlocked.Increment(ref _done);
        return true;
    }

    /// <summary>
    /// Whether this second still has a line to give. Two tasks that cross into a new second together may both reset
    /// the count, so a second can log a line or two more than its budget: a budget, not a contract.
    /// </summary>
    private bool TakeLine(int linesPerSecond)
    {
        var second = time.GetTimestamp() / time.TimestampFrequency;
        if (Interlocked.Exchange(ref _second, second) != second)
        {
            Interlocked.Exchange(ref _linesThisSecond, 0);
        }

        return Interlocked.Increment(ref _linesThisSecond) <= linesPerSecond;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.DoneLog == DoneLog.EveryTask)
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
            LogSummary(done, options.Value.DoneLog);
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Done {Count} tasks without a line each (Worker:DoneLog={Mode})")]
    private partial void LogSummary(long count, DoneLog mode);
}
