using System.Collections.Concurrent;
using WorkQueues.Tasks;
using WorkQueues.Worker.Events;

namespace WorkQueues.Worker.Tests;

/// <summary>Keeps the task events a Worker would send to <c>task_events</c>.</summary>
public sealed class RecordingEventSink : ITaskEventSink
{
    private readonly ConcurrentQueue<TaskEvent> _events = new();

    public IReadOnlyList<TaskEvent> Events => [.. _events];

    public void Report(TaskEvent taskEvent) => _events.Enqueue(taskEvent);
}
