using System.Diagnostics;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>The events of one delivery: running, progress once a second for longer tasks, then how it ended.</summary>
internal sealed class TaskLifecycle(TaskEventPublisher events, string? id, string worker, int attempt, TimeProvider time)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private readonly string? _traceId = Activity.Current?.TraceId.ToHexString();
    private int _dots;
    private DateTimeOffset? _startedAt;

    public void Report(string state, double progressSeconds = 0, string? error = null)
    {
        // A message from a foreign client may have no id; there is nothing to tell anyone about it then.
        if (id is not null)
        {
            var now = time.GetUtcNow();
            _startedAt ??= state == TaskEvent.States.Running ? now : null;
            events.Report(new TaskEvent(id, state, worker, attempt, _dots, progressSeconds, error, now, _traceId, _startedAt));
        }
    }

    /// <summary>Reports the start, then progress every second until <paramref name="work"/> ends.</summary>
    public async Task FollowAsync(int dots, TimeSpan duration, Task work)
    {
        _dots = dots;
        Report(TaskEvent.States.Running);
        if (duration <= ProgressInterval)
        {
            await work;
            return;
        }

        var started = time.GetTimestamp();
        using var timer = new PeriodicTimer(ProgressInterval, time);
        var tick = timer.WaitForNextTickAsync().AsTask();
        while (await Task.WhenAny(work, tick) == tick)
        {
            Report(TaskEvent.States.Running, Math.Min(time.GetElapsedTime(started).TotalSeconds, duration.TotalSeconds));
            tick = timer.WaitForNextTickAsync().AsTask();
        }

        await work;
    }
}
