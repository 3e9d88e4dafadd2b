using WorkQueues.Worker.Handlers;

namespace WorkQueues.Worker.Tests.Consuming;

/// <summary>A handler whose work the test writes inline.</summary>
public sealed class DelegateTaskHandler(Func<TaskContext, CancellationToken, Task> work) : ITaskHandler
{
    public Task HandleAsync(TaskContext task, CancellationToken cancellationToken) => work(task, cancellationToken);
}
