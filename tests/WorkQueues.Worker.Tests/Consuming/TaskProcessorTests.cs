using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using WorkQueues.Tasks;
using WorkQueues.Worker.Cancellation;
using WorkQueues.Worker.Consuming;
using WorkQueues.Worker.Handlers;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Consuming;

/// <summary>One delivery from decoding to settling, with no broker: the settler, router and events are recorded.</summary>
public class TaskProcessorTests
{
    private readonly RecordingSettler _settler = new();
    private readonly RecordingEventSink _events = new();
    private RecordingRouter _router = new();
    private readonly CancelledTasks _cancelled = new(TimeProvider.System, 1_000, TaskCancellation.Retention);

    private static TaskDelivery Delivery(string text, int? attempt = null, string id = "task-1") =>
        Delivery(Encoding.UTF8.GetBytes(text), attempt, id);

    private static TaskDelivery Delivery(byte[] body, int? attempt = null, string id = "task-1") => new(
        DeliveryTag: 42,
        Redelivered: false,
        new BasicProperties { MessageId = id, Headers = attempt is { } a ? new Dictionary<string, object?> { [TaskQueueTopology.AttemptHeader] = a } : null },
        body);

    private TaskProcessor Processor(Func<TaskContext, CancellationToken, Task> work, WorkerOptions? options = null) =>
        Processor(work, new DoneSummary(Options.Create(options ?? new WorkerOptions()), TimeProvider.System, NullLogger<DoneSummary>.Instance), options, NullLogger<TaskProcessor>.Instance);

    private TaskProcessor Processor(Func<TaskContext, CancellationToken, Task> work, DoneSummary doneSummary, WorkerOptions? options, ILogger<TaskProcessor> logger) => new(
        new ServiceCollection().AddScoped<ITaskHandler>(_ => new DelegateTaskHandler(work)).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
        _router,
        _cancelled,
        _events,
        new WorkerMetrics(new QueueDepthSampler(connection: null!, NullLogger<QueueDepthSampler>.Instance)),
        doneSummary,
        TimeProvider.System,
        Options.Create(options ?? new WorkerOptions { MaxAttempts = 5 }),
        Options.Create(new TaskOptions()),
        logger);

    private IEnumerable<string> States => _events.Events.Select(e => e.State);

    [Fact]
    public async Task A_task_done_is_acked_and_told_completed_and_its_handler_sees_id_text_and_attempt()
    {
        TaskContext? seen = null;
        var processor = Processor((task, _) =>
        {
            seen = task;
            task.Progress.Report(0.5);
            return Task.CompletedTask;
        });

        var outcome = await processor.ProcessAsync(Delivery("Work..", attempt: 3), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Completed, outcome);
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.Empty(_router.Forwarded);
        Assert.Equal(("task-1", "Work..", 3), (seen!.Id, seen.Text, seen.Attempt));
        Assert.Equal([TaskEvent.States.Running, TaskEvent.States.Running, TaskEvent.States.Completed], States);
        Assert.Equal([0.0, 1.0, 2.0], _events.Events.Select(e => e.ProgressSeconds));
        Assert.All(_events.Events, e => Assert.Equal(("task-1", 3, 2), (e.Id, e.Attempt, e.Dots)));
    }

    [Theory]
    [InlineData(DoneLog.EveryTask, 1, 0)]
    [InlineData(DoneLog.Adaptive, 1, 0)]
    [InlineData(DoneLog.Summary, 0, 1)]
    public async Task A_task_done_logs_its_own_Done_line_or_is_counted_into_the_summary(DoneLog mode, int doneLines, long counted)
    {
        var options = new WorkerOptions { DoneLog = mode };
        var summary = new DoneSummary(Options.Create(options), TimeProvider.System, NullLogger<DoneSummary>.Instance);
        var logger = new FakeLogger<TaskProcessor>();
        var processor = Processor((_, _) => Task.CompletedTask, summary, options, logger);

        await processor.ProcessAsync(Delivery("Work."), _settler, CancellationToken.None);

        Assert.Equal(doneLines, logger.Collector.GetSnapshot().Count(r => r.Message == " [x] Done Work."));
        Assert.Equal(counted, summary.Flush());
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_then_acked_and_told_retrying_with_the_error()
    {
        var processor = Processor((_, _) => throw new InvalidOperationException("boom"));

        var outcome = await processor.ProcessAsync(Delivery("Flaky"), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Retried, outcome);
        var (to, delivery, why) = Assert.Single(_router.Forwarded);
        Assert.Equal(("retry", 1, "boom"), (to, delivery.Attempt, why));
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.Equal([TaskEvent.States.Running, TaskEvent.States.Retrying], States);
        Assert.Equal("boom", _events.Events[^1].Error);
    }

    [Fact]
    public async Task The_last_attempt_failed_is_dead_lettered_with_the_reason()
    {
        var processor = Processor((_, _) => throw new InvalidOperationException("boom"));

        var outcome = await processor.ProcessAsync(Delivery("Poison", attempt: 5), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.DeadLettered, outcome);
        var (to, delivery, why) = Assert.Single(_router.Forwarded);
        Assert.Equal(("dead", 5, "Failed 5 attempts; the last with: boom"), (to, delivery.Attempt, why));
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.Equal(TaskEvent.States.DeadLettered, States.Last());
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xff, 0xfe }, "not valid UTF-8")]
    [InlineData(new byte[] { 0x20, 0x20 }, "empty or only white space")]
    public async Task A_message_no_worker_can_read_is_dead_lettered_at_once_without_running_the_handler(byte[] body, string reason)
    {
        var ran = false;
        var processor = Processor((_, _) => Task.FromResult(ran = true));

        var outcome = await processor.ProcessAsync(Delivery(body), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.DeadLettered, outcome);
        var (to, delivery, why) = Assert.Single(_router.Forwarded);
        Assert.Equal(("dead", 1), (to, delivery.Attempt));
        Assert.Contains(reason, why);
        Assert.Equal([("ack", 42UL)], _settler.Settled);
        Assert.False(ran);
        Assert.Empty(_events.Events);
    }

    [Fact]
    public async Task On_shutdown_the_handlers_token_fires_and_the_task_goes_back_to_the_queue()
    {
        using var shutdown = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        CancellationToken handlerToken = default;
        var processor = Processor(async (_, token) =>
        {
            handlerToken = token;
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });

        var work = processor.ProcessAsync(Delivery("Long......"), _settler, shutdown.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(handlerToken.IsCancellationRequested);
        await shutdown.CancelAsync();
        var outcome = await work.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(handlerToken.IsCancellationRequested);
        Assert.Equal(TaskOutcome.Requeued, outcome);
        Assert.Equal([("requeue", 42UL)], _settler.Settled);
        Assert.Empty(_router.Forwarded);
        Assert.Equal([TaskEvent.States.Running, TaskEvent.States.Queued], States);
    }

    [Fact]
    public async Task A_copy_the_broker_did_not_confirm_leaves_the_original_on_the_queue()
    {
        _router = new RecordingRouter { Failure = new IOException("connection lost") };
        var processor = Processor((_, _) => throw new InvalidOperationException("boom"));

        var outcome = await processor.ProcessAsync(Delivery("Flaky"), _settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Requeued, outcome);
        Assert.Equal([("requeue", 42UL)], _settler.Settled);
        Assert.Equal(TaskEvent.States.Queued, States.Last());
    }

    [Fact]
    public async Task A_settle_that_fails_is_left_to_the_broker_and_throws_nothing()
    {
        var settler = new RecordingSettler { Failure = new IOException("channel closed") };

        var outcome = await Processor((_, _) => Task.CompletedTask).ProcessAsync(Delivery("Done"), settler, CancellationToken.None);

        Assert.Equal(TaskOutcome.Completed, outcome);
        Assert.Single(settler.Settled);
    }

    [Fact]
    public async Task The_handler_runs_within_the_process_span_and_the_settle_span_names_the_outcome()
    {
        var id = $"traced-{Guid.NewGuid():N}";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TaskTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        Activity? current = null;
        var processor = Processor((_, _) =>
        {
            current = Activity.Current;
            throw new InvalidOperationException("boom");
        });

        await processor.ProcessAsync(Delivery("Traced", id: id), _settler, CancellationToken.None);

        var process = Assert.Single(spans, s => s.OperationName == TaskTelemetry.ProcessSpanName && Equals(s.GetTagItem("messaging.message.id"), id));
        Assert.Same(process, current);
        Assert.Equal(ActivityStatusCode.Error, process.Status);
        var ack = Assert.Single(spans, s => s.OperationName == "ack" && s.ParentSpanId == process.SpanId);
        Assert.Equal("retried", ack.GetTagItem("workqueues.task.outcome"));
        Assert.Equal(_events.Events[0].TraceId, process.TraceId.ToHexString());
    }
}
