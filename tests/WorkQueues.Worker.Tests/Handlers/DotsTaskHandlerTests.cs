using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.Worker.Tests.Handlers;

public class DotsTaskHandlerTests
{
    private static DotsTaskHandler Handler(TimeSpan dot, TimeProvider? time = null) =>
        new(Options.Create(new WorkerOptions { DotDuration = dot }), time ?? TimeProvider.System);

    private static TaskContext Task(string text, int attempt = 1, IProgress<double>? progress = null) =>
        new("id", text, attempt, progress ?? new RecordingProgress());

    [Fact]
    public void Work_lasts_one_dot_duration_per_dot()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Handler(TimeSpan.FromSeconds(1)).DurationOf("Fifth message....."));
        Assert.Equal(TimeSpan.Zero, Handler(TimeSpan.FromSeconds(1)).DurationOf("Hello World!"));
    }

    [Theory]
    [InlineData("Hello World!", 1, false)]
    [InlineData("boom !fail", 1, true)]
    [InlineData("boom !fail", 20, true)]
    [InlineData("flaky !fail2", 2, true)]
    [InlineData("flaky !fail2", 3, false)]
    [InlineData("not a marker !failure", 1, false)]
    public void The_fail_marker_fails_the_attempts_it_names(string text, int attempt, bool fails) =>
        Assert.Equal(fails, DotsTaskHandler.FailsOnAttempt(text, attempt));

    [Fact]
    public async Task A_task_that_asks_to_fail_throws_after_its_work()
    {
        await Assert.ThrowsAsync<SimulatedTaskFailureException>(() =>
            Handler(TimeSpan.FromMilliseconds(1)).HandleAsync(Task("bad. !fail"), CancellationToken.None));
    }

    [Fact]
    public void A_task_without_dots_completes_at_once()
    {
        Assert.True(Handler(TimeSpan.FromSeconds(1)).HandleAsync(Task("Hello World!"), CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Work_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var work = Handler(TimeSpan.FromMinutes(1)).HandleAsync(Task("..."), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Progress_is_reported_every_second_while_work_remains()
    {
        var time = new FakeTimeProvider();
        var progress = new RecordingProgress();
        var work = Handler(TimeSpan.FromSeconds(1), time).HandleAsync(Task("...", progress: progress), CancellationToken.None);

        // Fake time moves in small steps, so each of the handler's one-second waits ends whenever it was started.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!work.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await System.Threading.Tasks.Task.Delay(1);
        }

        await work;
        Assert.Equal(2, progress.Values.Count);
        Assert.InRange(progress.Values[0], 0.3, 0.5);
        Assert.InRange(progress.Values[1], 0.65, 0.9);
    }
}
