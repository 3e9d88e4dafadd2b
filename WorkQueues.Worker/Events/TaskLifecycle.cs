using System.Diagnostics;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Events;

/// <summary>
/// The events of one attempt: running, the progress its handler reports, then how it ended. Progress is told in the
/// wire's terms, <see cref="TaskEvent.ProgressSeconds"/> out of the task's dots (at least 1, as the task page draws it).
/// </summary>
internal sealed class TaskLifecycle(ITaskEventSink events, string? id, string worker, int attempt, int dots, TimeProvider time) : IProgress<double>
{
    /// <summary>A handler may report in a tight loop; the events buffer is shared by every task, so few get through.</summary>
    private static readonly TimeSpan MinProgressInterval = TimeSpan.FromMilliseconds(250);

    private const long NoProgressYet = -1;

    private readonly string? _traceId = Activity.Current?.TraceId.ToHexString();
    private DateTimeOffset? _startedAt;
    private long _lastProgress = NoProgressYet;
    private volatile bool _ended;

    public void Started() => Tell(TaskEvent.States.Running, 0, error: null);

    /// <summary>Ends the attempt: a report from its handler after this is ignored, so none can follow the last event.</summary>
    public void Ended(TaskOutcome outcome, string? error = null)
    {
        _ended = true;
        Tell(outcome.ToEventState(), outcome == TaskOutcome.Completed ? Scale(1) : 0, error);
    }

    /// <summary>The handler's progress, a fraction of the task from 0 to 1.</summary>
    public void Report(double value)
    {
        if (_ended || !double.IsFinite(value))
        {
            return;
        }

        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastProgress);
        if ((last != NoProgressYet && time.GetElapsedTime(last, now) < MinProgressInterval)
            || Interlocked.CompareExchange(ref _lastProgress, now, last) != last)
        {
            return;
        }

        Tell(TaskEvent.States.Running, Scale(value), error: null);
    }

    private double Scale(double fraction) => Math.Clamp(fraction, 0, 1) * Math.Max(dots, 1);

    private void Tell(string state, double progress, string? error)
    {
        // A message from a foreign client may have no id; there is nothing to tell anyone about it then.
        if (id is not null)
        {
            var now = time.GetUtcNow();
            _startedAt ??= state == TaskEvent.States.Running ? now : null;
            events.Report(new TaskEvent(id, state, worker, attempt, dots, progress, error, now, _traceId, _startedAt));
        }
    }
}
