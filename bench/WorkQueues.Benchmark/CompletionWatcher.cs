using System.Collections.Concurrent;
using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Benchmark;

/// <summary>
/// Learns when tasks are done from the Workers' own <c>completed</c> events on <c>task_events</c>, as the Producer's
/// status view does, with a queue of its own bound to the exchange.
/// </summary>
public sealed class CompletionWatcher : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<string, TimeSpan> _completed = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly SemaphoreSlim _signal = new(0);

    private CompletionWatcher(IChannel channel) => _channel = channel;

    public static async Task<CompletionWatcher> StartAsync(IConnection connection)
    {
        var channel = await connection.CreateChannelAsync();
        await channel.DeclareEventsExchangeAsync();
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, TaskQueueTopology.EventsExchangeName, string.Empty);

        var watcher = new CompletionWatcher(channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            foreach (var completed in TaskEvent.FromJson(delivery.Body.Span).Where(e => e.State == TaskEvent.States.Completed))
            {
                watcher._completed.TryAdd(completed.Id, watcher._clock.Elapsed);
            }

            watcher._signal.Release();

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return watcher;
    }

    /// <summary>Waits until every task in <paramref name="ids"/> completed; returns when the last one did.</summary>
    public async Task<TimeSpan> WaitForAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            var done = ids.Select(id => _completed.TryGetValue(id, out var at) ? at : (TimeSpan?)null).ToArray();
            if (done.All(at => at.HasValue))
            {
                return done.Max(at => at!.Value);
            }

            try
            {
                await _signal.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{done.Count(at => at.HasValue)} of {ids.Count} tasks reported completed within {timeout.TotalSeconds:0} s.");
            }
        }
    }

    /// <summary>The watcher's clock, which <see cref="WaitForAsync"/>'s answers are read on.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _channel.DisposeAsync();
        _signal.Dispose();
    }
}
