using Microsoft.Extensions.Options;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Tests;

public class DotsWorkloadTests
{
    private static DotsWorkload Workload(TimeSpan dot) =>
        new(Options.Create(new WorkerOptions { DotDuration = dot }), TimeProvider.System);

    [Fact]
    public void Work_lasts_one_dot_duration_per_dot()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Workload(TimeSpan.FromSeconds(1)).DurationOf(new TaskText("Fifth message.....", 5)));
        Assert.Equal(TimeSpan.Zero, Workload(TimeSpan.FromSeconds(1)).DurationOf(new TaskText("Hello World!", 0)));
    }

    [Theory]
    [InlineData("Hello World!", 1, false)]
    [InlineData("boom !fail", 1, true)]
    [InlineData("boom !fail", 20, true)]
    [InlineData("flaky !fail2", 2, true)]
    [InlineData("flaky !fail2", 3, false)]
    [InlineData("not a marker !failure", 1, false)]
    public void The_fail_marker_fails_the_attempts_it_names(string text, int attempt, bool fails) =>
        Assert.Equal(fails, DotsWorkload.FailsOnAttempt(text, attempt));

    [Fact]
    public async Task A_task_that_asks_to_fail_throws_after_its_work()
    {
        await Assert.ThrowsAsync<SimulatedTaskFailureException>(() =>
            Workload(TimeSpan.FromMilliseconds(1)).RunAsync(new TaskText("bad. !fail", 1), attempt: 1, CancellationToken.None));
    }

    [Fact]
    public async Task Work_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var work = Workload(TimeSpan.FromMinutes(1)).RunAsync(new TaskText("...", 3), attempt: 1, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
