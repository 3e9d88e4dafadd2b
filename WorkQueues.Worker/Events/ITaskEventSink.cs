using WorkQueues.Tasks;

namespace WorkQueues.Worker.Events;

/// <summary>Where a Worker tells what happens to its tasks; <see cref="TaskEventPublisher"/> sends them to <c>task_events</c>.</summary>
public interface ITaskEventSink
{
    /// <summary>Takes an event without waiting: telling about a task never slows the task down.</summary>
    void Report(TaskEvent taskEvent);
}
