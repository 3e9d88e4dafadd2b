using WorkQueues.Tasks;

namespace WorkQueues.Worker.Cancellation;

/// <summary>
/// The cancels this Worker knows of, each remembered <see cref="TaskCancellation.Retention"/> from when it was made
/// and at most <see cref="WorkerOptions.MaxRememberedCancels"/> of them (past that the oldest is forgotten first), and
/// the attempts running now, so a cancel that arrives while its task runs fires that attempt's token.
/// </summary>
public sealed class CancelledTasks(TimeProvider time, int capacity, TimeSpan retention)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _cancelled = [];
    private readonly Queue<TaskCancellation> _order = new();
    private readonly Dictionary<string, List<CancellationTokenSource>> _running = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _cancelled.Count;
            }
        }
    }

    /// <summary>Remembers a cancel (one already expired is ignored) and fires the token of every attempt of that task running here.</summary>
    public void Add(TaskCancellation cancel)
    {
        List<CancellationTokenSource>? attempts;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Forget(now);
            if (cancel.At + retention <= now)
            {
                return;
            }

            if (!_cancelled.TryGetValue(cancel.Id, out var known) || known < cancel.At)
            {
                _cancelled[cancel.Id] = cancel.At;
                _order.Enqueue(cancel);
                Forget(now);
            }

            attempts = _running.TryGetValue(cancel.Id, out var running) ? [.. running] : null;
        }

        foreach (var attempt in attempts ?? [])
        {
            Fire(attempt);
        }
    }

    /// <summary>Whether the task was cancelled within the retention.</summary>
    public bool IsCancelled(string id)
    {
        lock (_gate)
        {
            return _cancelled.TryGetValue(id, out var at) && at + retention > time.GetUtcNow();
        }
    }

    /// <summary>
    /// Follows a running attempt until the returned handle is disposed: a cancel of its task fires
    /// <paramref name="attempt"/>, at once if the cancel is already known.
    /// </summary>
    public IDisposable Track(string id, CancellationTokenSource attempt)
    {
        bool cancelled;
        lock (_gate)
        {
            if (!_running.TryGetValue(id, out var attempts))
            {
                _running[id] = attempts = [];
            }

            attempts.Add(attempt);
            cancelled = _cancelled.TryGetValue(id, out var at) && at + retention > time.GetUtcNow();
        }

        if (cancelled)
        {
            Fire(attempt);
        }

        return new Tracked(this, id, attempt);
    }

    private void Untrack(string id, CancellationTokenSource attempt)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(id, out var attempts) && attempts.Remove(attempt) && attempts.Count == 0)
            {
                _running.Remove(id);
            }
        }
    }

    /// <summary>Drops the cancels past their retention, then the oldest while there are more than the capacity.</summary>
    private void Forget(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && (oldest.At + retention <= now || _order.Count > capacity))
        {
            _order.Dequeue();
            // A later cancel of the same task keeps its own, later entry.
            if (_cancelled.TryGetValue(oldest.Id, out var at) && at == oldest.At)
            {
                _cancelled.Remove(oldest.Id);
            }
        }
    }

    private static void Fire(CancellationTokenSource attempt)
    {
        try
        {
            attempt.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt ended as the cancel came: nothing left to stop.
        }
    }

    private sealed class Tracked(CancelledTasks owner, string id, CancellationTokenSource attempt) : IDisposable
    {
        public void Dispose() => owner.Untrack(id, attempt);
    }
}
