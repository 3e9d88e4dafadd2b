using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// A handler of one's own, put in with the one registration line and hosted in-process by the Worker's own
/// <c>AddTaskProcessing</c> against a real broker (one of this class's own, so no other test's worker takes its tasks).
/// </summary>
public sealed class CustomHandlerTests(StandaloneBroker broker) : IClassFixture<StandaloneBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Its_failures_are_retried_with_the_attempt_it_sees_and_its_progress_reaches_task_events()
    {
        var probe = new HandlerProbe();
        await using var connection = await broker.ConnectAsync();
        await using var events = await TaskEventsReader.StartAsync(connection);
        using var worker = await StartWorkerAsync(probe);

        var id = await StandaloneBroker.PublishTaskAsync(connection, $"custom flaky {Guid.NewGuid():N}");

        var retries = new[] { await events.WaitForAsync(id, e => e.State == "retrying"), await events.WaitForAsync(id, e => e.State == "retrying" && e.Attempt == 2) };
        Assert.Equal([(1, "attempt 1 fails"), (2, "attempt 2 fails")], retries.Select(e => (e.Attempt, e.Error)));
        var progress = await events.WaitForAsync(id, e => e is { State: "running", ProgressSeconds: > 0 });
        Assert.Equal((3, 0.5), (progress.Attempt, progress.ProgressSeconds));
        probe.ProgressSeen.SetResult();
        var completed = await events.WaitForAsync(id, e => e.State == "completed");

        Assert.Equal(3, completed.Attempt);
        Assert.Equal([1, 2, 3], probe.AttemptsOf(id));
        await worker.StopAsync();
    }

    [Fact]
    public async Task Its_token_fires_on_host_shutdown_and_the_task_goes_back_to_the_queue()
    {
        var probe = new HandlerProbe();
        await using var connection = await broker.ConnectAsync();
        using var worker = await StartWorkerAsync(probe);
        var text = $"custom hang {Guid.NewGuid():N}";
        var id = await StandaloneBroker.PublishTaskAsync(connection, text);
        await probe.Hanging.Task.WaitAsync(Patience);

        await worker.StopAsync();

        await probe.Cancelled.Task.WaitAsync(Patience);
        await using var channel = await connection.CreateChannelAsync();
        var requeued = await Eventually.ReturnsAsync(
            () => channel.BasicGetAsync(TaskQueueTopology.QueueName, autoAck: true), message => message is not null, Patience, "the task back in task_queue");
        Assert.Equal((id, text), (requeued!.BasicProperties.MessageId, Encoding.UTF8.GetString(requeued.Body.Span)));
        Assert.True(requeued.Redelivered);
    }

    /// <summary>The Worker as its Program.cs builds it, but for the handler; shutdown gives tasks in hand 1 s.</summary>
    private Task<IHost> StartWorkerAsync(HandlerProbe probe) =>
        InProcessWorker.StartAsync<ProbeHandler>(broker, services => services
                .Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1))
                .AddSingleton(probe),
            // Longer than the events' 100 ms batching, so each failed attempt's event travels in a batch of its own.
            new Dictionary<string, string?> { ["Worker:RetryDelay"] = "00:00:00.500" });

    /// <summary>
    /// Fails its first two attempts; on the third reports half done and finishes once the test saw that. A task with
    /// "hang" in it waits for its token instead.
    /// </summary>
    public sealed class ProbeHandler(HandlerProbe probe) : ITaskHandler
    {
        public async Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
        {
            probe.Saw(task);
            if (task.Text.Contains("hang", StringComparison.Ordinal))
            {
                probe.Hanging.TrySetResult();
                using var cancelled = cancellationToken.Register(() => probe.Cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (task.Attempt < 3)
            {
                throw new InvalidOperationException($"attempt {task.Attempt} fails");
            }

            task.Progress.Report(0.5);
            await probe.ProgressSeen.Task.WaitAsync(Patience, cancellationToken);
        }
    }

    /// <summary>Reads <c>task_events</c> through a queue of its own, as a Producer replica does.</summary>
    private sealed class TaskEventsReader(IChannel channel) : IAsyncDisposable
    {
        private readonly Channel<TaskEvent> _events = Channel.CreateUnbounded<TaskEvent>();

        public static async Task<TaskEventsReader> StartAsync(IConnection connection)
        {
            var channel = await connection.CreateChannelAsync();
            await channel.DeclareEventsExchangeAsync();
            var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
            await channel.QueueBindAsync(queue.QueueName, TaskQueueTopology.EventsExchangeName, string.Empty);
            var reader = new TaskEventsReader(channel);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, message) =>
            {
                foreach (var taskEvent in TaskEvent.FromJson(message.Body.Span))
                {
                    reader._events.Writer.TryWrite(taskEvent);
                }

                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
            return reader;
        }

        /// <summary>The next event of task <paramref name="id"/> that matches, skipping the ones before it.</summary>
        public async Task<TaskEvent> WaitForAsync(string id, Func<TaskEvent, bool> match)
        {
            using var timeout = new CancellationTokenSource(Patience);
            try
            {
                while (true)
                {
                    var taskEvent = await _events.Reader.ReadAsync(timeout.Token);
                    if (taskEvent.Id == id && match(taskEvent))
                    {
                        return taskEvent;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {Patience.TotalSeconds:0} s waiting for an event of task {id} on task_events.");
            }
        }

        public ValueTask DisposeAsync() => channel.DisposeAsync();
    }
}
