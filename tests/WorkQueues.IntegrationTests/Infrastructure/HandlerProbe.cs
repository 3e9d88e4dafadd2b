using System.Collections.Concurrent;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>What a test's task handler saw (each task's attempts), and the gates a test opens or waits on.</summary>
public sealed class HandlerProbe
{
    private readonly ConcurrentQueue<(string? Id, int Attempt)> _attempts = new();

    public TaskCompletionSource ProgressSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Saw(TaskContext task) => _attempts.Enqueue((task.Id, task.Attempt));

    public int[] AttemptsOf(string id) => [.. _attempts.Where(a => a.Id == id).Select(a => a.Attempt)];
}
