using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Status;

/// <summary>
/// A bounded, in-memory view of recent tasks, fed by this Producer's publishes and by every worker's events. At
/// <see cref="ProducerOptions.TrackedTasks"/> the oldest task is forgotten (its work is not affected). A restart
/// empties the view, never the queue.
/// </summary>
public sealed class TaskBoard(IOptions<ProducerOptions> options, TimeProvider time, TaskChangeFeed feed) : ITaskPublishObserver
{
    private readonly ConcurrentDictionary<string, TrackedTask> _tasks = new();
    private readonly ConcurrentQueue<string> _order = new();

    // ConcurrentDictionary.Count takes every lock of the dictionary: far too dear once per publish.
    private int _count;
    // The last revision given (TrackedTask.Revision): board-wide, so a task forgotten and seen again still moves forward.
    private long _revision;

    public TrackedTask? Find(string id) => _tasks.GetValueOrDefault(id);

    /// <summary>The newest tasks first, optionally in one state.</summary>
    public IReadOnlyList<TrackedTask> List(TaskState? state, int limit) =>
        _tasks.Values
            .Where(t => state is null || t.State == state)
            .OrderByDescending(t => t.QueuedAt ?? t.UpdatedAt)
            .Take(limit)
            .ToList();

    /// <summary>A task this Producer is publishing shows as queued, or scheduled with its due time.</summary>
    public void Publishing(PublishedTask task, string text, string? traceId)
    {
        var now = time.GetUtcNow();
        var state = task.DueAt is null ? TaskState.Queued : TaskState.Scheduled;
        Update(task.Id, (existing, revision) => existing ?? new TrackedTask(
            task.Id, TaskText.Shorten(text), state, task.Dots, 0, null, 0, null, now, null, null, now, traceId, task.DueAt, Revision: revision));
    }

    /// <summary>Notes that this replica recorded a cancel of the task; false when the task is not (or no longer) known.</summary>
    public bool CancelRequested(string id, DateTimeOffset at)
    {
        while (_tasks.TryGetValue(id, out var existing))
        {
            var updated = existing with { CancelRequestedAt = at, UpdatedAt = at, Revision = NextRevision() };
            if (_tasks.TryUpdate(id, updated, existing))
            {
                feed.Publish(updated);
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops a task the broker did not confirm: it was never accepted.</summary>
    public void NotConfirmed(string id) => Remove(id);

    /// <summary>Applies a worker's event; one naming a state this Producer does not know is ignored.</summary>
    public void Apply(TaskEvent e)
    {
        if (TaskStates.TryParse(e.State, out var state))
        {
            Update(e.Id, (existing, revision) => Applied(existing, e, state, revision));
        }
    }

    private static TrackedTask Applied(TrackedTask? existing, TaskEvent e, TaskState state, long revision)
    {
        // Events of one task can arrive out of order; never step back from a later attempt or a later stage.
        if (existing is not null && Rank(existing.Attempts, existing.State, existing.ProgressSeconds).CompareTo(Rank(e.Attempt, state, e.ProgressSeconds)) > 0)
        {
            return existing;
        }

        // A Producer's announcement of a task it accepted is attempt 0 and names no worker.
        var announced = e.Attempt == 0;
        return new TrackedTask(
            e.Id,
            existing?.Text,
            state,
            e.Dots,
            e.ProgressSeconds,
            e.Worker is { Length: > 0 } ? e.Worker : existing?.Worker,
            e.Attempt,
            e.Error,
            existing?.QueuedAt ?? (announced ? e.At : null),
            e.StartedAt ?? (state == TaskState.Running ? existing?.StartedAt ?? e.At : existing?.StartedAt),
            state.IsFinished() ? e.At : null,
            e.At,
            existing?.TraceId ?? e.TraceId,
            e.DueAt ?? existing?.DueAt,
            existing?.CancelRequestedAt,
            revision);
    }

    private void Update(string id, Func<TrackedTask?, long, TrackedTask> change)
    {
        TrackedTask updated;
        while (true)
        {
            // Each try takes its revision after reading what it replaces: a try that lost the race to another store tries
            // again with a new, higher number, so every store raises the task's revision.
            if (_tasks.TryGetValue(id, out var existing))
            {
                updated = change(existing, NextRevision());
                if (ReferenceEquals(updated, existing) || _tasks.TryUpdate(id, updated, existing))
                {
                    break;
                }
            }
            else if (_tasks.TryAdd(id, updated = change(null, NextRevision())))
            {
                _order.Enqueue(id);
                Interlocked.Increment(ref _count);
                break;
            }
        }

        while (Volatile.Read(ref _count) > options.Value.TrackedTasks && _order.TryDequeue(out var oldest))
        {
            Remove(oldest);
        }

        feed.Publish(updated);
    }

    /// <summary>
    /// A number above every one given before, that also rises with the clock: the microseconds since 1970, or one past
    /// the last when changes come faster. So revisions keep rising across a restart of this Producer, and another
    /// replica's revision for the same change is about the same number (their clocks and event streams permitting).
    /// </summary>
    private long NextRevision()
    {
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        while (true)
        {
            var last = Volatile.Read(ref _revision);
            var next = Math.Max(last + 1, now);
            if (Interlocked.CompareExchange(ref _revision, next, last) == last)
            {
                return next;
            }
        }
    }

    private void Remove(string id)
    {
        if (_tasks.TryRemove(id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private static (int, int, double) Rank(int attempt, TaskState state, double progress) => (attempt, state.Stage(), progress);
}
