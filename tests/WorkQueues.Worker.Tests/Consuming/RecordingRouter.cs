using System.Collections.Concurrent;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker.Tests.Consuming;

/// <summary>Keeps the copies a Worker would send to a delay queue or the dead letters; fails if asked to.</summary>
public sealed class RecordingRouter : IFailedTaskRouter
{
    private readonly ConcurrentQueue<(string To, TaskDelivery Delivery, string Why)> _forwarded = new();

    public IReadOnlyList<(string To, TaskDelivery Delivery, string Why)> Forwarded => [.. _forwarded];

    public Exception? Failure { get; init; }

    public Task RetryAsync(TaskDelivery delivery, string error, CancellationToken cancellationToken) => Record("retry", delivery, error);

    public Task DeadLetterAsync(TaskDelivery delivery, string reason, CancellationToken cancellationToken) => Record("dead", delivery, reason);

    private Task Record(string to, TaskDelivery delivery, string why)
    {
        if (Failure is not null)
        {
            return Task.FromException(Failure);
        }

        _forwarded.Enqueue((to, delivery, why));
        return Task.CompletedTask;
    }
}
