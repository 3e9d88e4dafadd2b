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

    [Fact]
    public async Task Work_stops_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var work = Workload(TimeSpan.FromMinutes(1)).RunAsync(new TaskText("...", 3), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
