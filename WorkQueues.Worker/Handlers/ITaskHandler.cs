namespace WorkQueues.Worker.Handlers;

/// <summary>
/// The work a task stands for: the one part of the Worker meant to be replaced. The Worker around it receives,
/// retries, dead-letters, reports, traces, measures and drains the same way for any handler. Register yours with
/// <c>builder.AddTaskProcessing().WithTaskHandler&lt;T&gt;()</c>; each task gets an instance from a DI scope of its own.
/// </summary>
public interface ITaskHandler
{
    /// <summary>
    /// Does one attempt of a task. Returning means done (the task is acked); throwing fails this attempt (the task is
    /// retried, or dead-lettered after its last attempt). Runs on the consumer's dispatch thread until its first
    /// await: offload long synchronous work (<see cref="Task.Run(Action, CancellationToken)"/>).
    /// </summary>
    /// <param name="cancellationToken">Fires when this attempt must stop: the task was cancelled (it is then acked as
    /// cancelled), its time limit passed (the attempt fails as <c>timed out</c>), or the Worker's shutdown time ran out
    /// (the task goes back to the queue untouched). Stop by throwing <see cref="OperationCanceledException"/>; a
    /// handler that ignores its token runs on, and its task ends as the handler does.</param>
    Task HandleAsync(TaskContext task, CancellationToken cancellationToken);
}
