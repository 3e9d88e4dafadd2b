using WorkQueues.AppHost;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The local broker keeps its data across AppHost runs, as the container path's volume does: every task the
/// Producer accepted is still queued after the AppHost is stopped as Ctrl+C stops it, or killed, and is then done.
/// </summary>
[Collection(AppHostProcessCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class LocalBrokerRestartTests(AppHostProcessFixture fixture)
{
    // A one-dot task takes a minute in the first run, so none is done before the AppHost stops; milliseconds after.
    private static readonly TimeSpan SlowDot = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FastDot = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task Accepted_tasks_survive_ctrl_c_and_are_done_after_the_next_start()
    {
        var tasks = Tasks("ctrl-c", 40);
        await using (var first = await fixture.StartAsync(SlowDot))
        {
            Assert.False(InheritedSignals.IsIgnoredBy(first.Pid, ProcessSignals.Interrupt), "the AppHost takes SIGINT, as from a terminal");
            await fixture.AcceptAsync(first, tasks);

            first.Signal(ProcessSignals.Interrupt);
            await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await first.WaitUntilAllExitedAsync(TimeSpan.FromSeconds(90));
        }

        Assert.True(Directory.Exists(Path.Combine(fixture.DataFolder, "mnesia")), "the broker's database is kept");
        await using var second = await fixture.StartAsync(FastDot);
        var dashboard = new DashboardClient(await second.DashboardAsync(AppHostProcessFixture.StartTimeout));
        await dashboard.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(90));
        await Eventually.HoldsAsync(
            async () => await fixture.Management.GetQueueAsync() is { Ready: 0, Unacknowledged: 0 },
            TimeSpan.FromSeconds(30),
            "task_queue to be empty");
    }

    [Fact]
    public async Task Accepted_tasks_survive_killing_the_apphost_and_the_next_start_copes_with_what_it_left()
    {
        var tasks = Tasks("sigkill", 40);
        var first = await fixture.StartAsync(SlowDot);
        await fixture.AcceptAsync(first, tasks);
        var pidFile = Path.Combine(fixture.DataFolder, "rabbitmq.pid");
        var firstBroker = int.Parse(await File.ReadAllTextAsync(pidFile));

        // SIGKILL: the AppHost cannot stop anything. Its broker runs on until DCP notices, and is still running when
        // the next AppHost starts right away, as a developer would start it. The pid file goes too, as it does once
        // that broker begins to shut down: the next AppHost must find the broker without it.
        first.Signal(ProcessSignals.Kill);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        File.Delete(pidFile);
        Assert.True(ProcessSignals.Send(firstBroker, 0), "the killed AppHost's broker still runs when the next one starts");
        await using var second = await fixture.StartAsync(FastDot);

        var dashboard = new DashboardClient(await second.DashboardAsync(AppHostProcessFixture.StartTimeout));
        await dashboard.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(90));
        Assert.NotEqual(firstBroker, int.Parse(await File.ReadAllTextAsync(pidFile)));
        // The orchestrator of the killed AppHost stops what it started by itself.
        await first.WaitUntilAllExitedAsync(TimeSpan.FromSeconds(90));
        await first.DisposeAsync();
    }

    private static List<string> Tasks(string run, int count)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return Enumerable.Range(1, count).Select(i => $"{run} {id} {i}.").ToList();
    }
}
