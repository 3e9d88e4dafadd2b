using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;
using WorkQueues.Worker.Consuming;
using WorkQueues.Worker.Handlers;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Consuming;

/// <summary>Cancels and time limits as the processor applies them, with no broker.</summary>
public class TaskProcessorControlTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly RecordingSettler _settler = new();
    private readonly RecordingEventSink _events = new();
    private readonly RecordingRouter _router = new();
    private readonly CancelledTasks _cancelled = new(TimeProvider.System, 1_000, TaskCancellation.Retention);

    private static TaskDelivery Delivery(string text, int attempt = 1, TimeSpan? timeout = null)
    {
        var properties = TaskMessage.CreateProperties("task-1", DateTimeOffset.UtcNow, new TaskControls(null, null, timeout));
        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[TaskQueueTopology.AttemptHeader] = attempt;
        return new TaskDelivery(42, false, properties, Encoding.UTF8.GetBytes(text));
    }

    private TaskProcessor Processor(Func<TaskContext, CancellationToken, Task> work, TimeSpan? defaultTimeout = null) => new(
        new ServiceCollection().AddScoped<ITaskHandler>(_ => new DelegateTaskHandler(work)).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
        _router,
        _cancelled,
        _events,
        new WorkerMetrics(new QueueDepthSampler(connection: null!, NullLogger<QueueDepthSampler>.Instance)),
        new DoneSummary(Options.Create(new WorkerOptions()), TimeProvider.System, NullLogger<DoneSummary>.Instance),
        TimeProvider.System,
        Options.Create(new WorkerOptions { MaxAttempts = 3, TaskTimeout = defaultTimeout }),
        Options.Create(new TaskOptions()),
        NullLogger<TaskProcessor>.Instance);

    private static Task Forever(TaskContext task, CancellationToken token) => Task.Delay(Timeout.Infinite, token);

    [Fact]
    public async Task A_task_cancelled_before_it_is_delivered_is_acked_as_cancelled_and_never_run()
    {
        var ran = false;
        _cancelled.Add(new TaskCancellation("task-1", DateTimeOffset.UtcNow));

        var outcome = await Processor((_, _) => { ran = true; return Task.CompletedTask; }).ProcessAsync(Delivery("Queued."), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Cancelled, outcome);
        Assert.False(ran);
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.Empty(_router.Forwarded);
        Assert.Equal([TaskEvent.States.Cancelled], _events.Events.Select(e => e.State));
    }

    [Fact]
    public async Task A_cancel_while_running_fires_the_handlers_token_and_the_task_is_acked_as_cancelled_not_retried()
    {
        var started = new TaskCompletionSource();
        var work = Processor(async (task, token) => { started.SetResult(); await Forever(task, token); })
            .ProcessAsync(Delivery("Long......."), _settler, CancellationToken.None);
        await started.Task.WaitAsync(Patience);

        _cancelled.Add(new TaskCancellation("task-1", DateTimeOffset.UtcNow));
        var outcome = await work.WaitAsync(Patience);

        Assert.Equal(TaskOutcome.Cancelled, outcome);
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.Empty(_router.Forwarded);
        Assert.Equal([TaskEvent.States.Running, TaskEvent.States.Cancelled], _events.Events.Select(e => e.State));
    }

    [Fact]
    public async Task An_attempt_past_its_time_limit_fails_as_timed_out_and_is_retried()
    {
        var outcome = await Processor(Forever).ProcessAsync(Delivery("Slow.....", timeout: TimeSpan.FromMilliseconds(200)), _settler, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(TaskOutcome.Retried, outcome);
        var (to, _, why) = Assert.Single(_router.Forwarded);
        Assert.Equal(("retry", TaskFailures.TimedOut), (to, why));
        Assert.Equal(TaskFailures.TimedOut, _events.Events[^1].Error);
    }

    [Fact]
    public async Task The_last_attempt_past_the_default_time_limit_is_dead_lettered_as_timed_out()
    {
        var outcome = await Processor(Forever, defaultTimeout: TimeSpan.FromMilliseconds(200))
            .ProcessAsync(Delivery("Slow.....", attempt: 3), _settler, CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(TaskOutcome.DeadLettered, outcome);
        var (to, _, why) = Assert.Single(_router.Forwarded);
        Assert.Equal(("dead", $"Failed 3 attempts; the last with: {TaskFailures.TimedOut}"), (to, why));
    }

    [Fact]
    public async Task A_task_without_a_time_limit_header_or_default_runs_to_the_end()
    {
        var outcome = await Processor((_, token) => Task.Delay(300, token)).ProcessAsync(Delivery("Plain."), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Completed, outcome);
    }
}
