using System.Collections.Concurrent;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker.Tests.Consuming;

/// <summary>Keeps how each delivery was settled, as the consumer's channel would be told; fails if asked to.</summary>
public sealed class RecordingSettler : IDeliverySettler
{
    private readonly ConcurrentQueue<(string How, ulong Tag)> _settled = new();

    public IReadOnlyList<(string How, ulong Tag)> Settled => [.. _settled];

    public Exception? Failure { get; init; }

    public Task AckAsync(ulong deliveryTag) => Record("ack", deliveryTag);

    public Task RequeueAsync(ulong deliveryTag) => Record("requeue", deliveryTag);

    private Task Record(string how, ulong tag)
    {
        _settled.Enqueue((how, tag));
        return Failure is null ? Task.CompletedTask : Task.FromException(Failure);
    }
}
