namespace WorkQueues.Tasks;

/// <summary>
/// The events of one message: the latest of each task, in the order tasks first appeared. A task that started and
/// finished within one batch is told once, finished (its event still says when it started).
/// </summary>
public sealed class TaskEventBatch(int capacity)
{
    private readonly Dictionary<string, int> _positions = new(capacity);
    private readonly List<TaskEvent> _events = new(capacity);

    public IReadOnlyCollection<TaskEvent> Events => _events;

    public bool IsFull => _events.Count >= capacity;

    public void Add(TaskEvent taskEvent)
    {
        if (_positions.TryGetValue(taskEvent.Id, out var position))
        {
            _events[position] = taskEvent;
        }
        else
        {
            _positions[taskEvent.Id] = _events.Count;
            _events.Add(taskEvent);
        }
    }

    public void Clear()
    {
        _positions.Clear();
        _events.Clear();
    }
}
