using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker.Tests.Consuming;

public class DoneSummaryTests
{
    private readonly FakeLogger<DoneSummary> _logger = new();
    private readonly FakeTimeProvider _time = new();

    private DoneSummary Summary(DoneLog mode, int linesPerSecond = 100) =>
        new(Options.Create(new WorkerOptions { DoneLog = mode, DoneLinesPerSecond = linesPerSecond }), _time, _logger);

    private IEnumerable<string> Lines => _logger.Collector.GetSnapshot().Select(r => r.Message);

    [Fact]
    public void With_EveryTask_every_task_logs_its_own_line_and_nothing_is_counted()
    {
        var summary = Summary(DoneLog.EveryTask);

        Assert.False(summary.TryCount());
        Assert.Equal(0, summary.Flush());
        Assert.Empty(Lines);
    }

    [Fact]
    public void Adaptively_tasks_log_their_own_line_up_to_the_budget_of_a_second_and_the_rest_are_counted()
    {
        var summary = Summary(DoneLog.Adaptive, linesPerSecond: 2);

        Assert.Equal([false, false, true, true], Enumerable.Range(0, 4).Select(_ => summary.TryCount()));
        Assert.Equal(2, summary.Flush());
        Assert.Equal([" [x] Done 2 tasks without a line each (Worker:DoneLog=Adaptive)"], Lines);
    }

    [Fact]
    public void Adaptively_each_new_second_brings_a_new_budget_of_lines()
    {
        var summary = Summary(DoneLog.Adaptive, linesPerSecond: 1);

        Assert.False(summary.TryCount());
        Assert.True(summary.TryCount());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(summary.TryCount());
        Assert.True(summary.TryCount());
    }

    [Fact]
    public void In_summary_mode_tasks_are_counted_until_the_next_summary()
    {
        var summary = Summary(DoneLog.Summary);

        Assert.True(summary.TryCount());
        Assert.True(summary.TryCount());
        Assert.True(summary.TryCount());

        Assert.Equal(3, summary.Flush());
        Assert.Equal(0, summary.Flush());
        Assert.Equal([" [x] Done 3 tasks without a line each (Worker:DoneLog=Summary)"], Lines);
    }

    [Fact]
    public async Task The_summary_is_logged_each_interval_while_tasks_complete_and_once_more_on_stop()
    {
        var summary = Summary(DoneLog.Summary);
        await summary.StartAsync(CancellationToken.None);

        summary.TryCount();
        summary.TryCount();
        await TickAsync();
        summary.TryCount();
        await summary.StopAsync(CancellationToken.None);

        Assert.Equal([" [x] Done 2 tasks without a line each (Worker:DoneLog=Summary)", " [x] Done 1 tasks without a line each (Worker:DoneLog=Summary)"], Lines);
    }

    /// <summary>
    /// Intervals pass until the summary loop has logged a line (bounded): the loop runs on a thread of its own and may
    /// not have made its timer before the first advance, and an interval with nothing done logs nothing.
    /// </summary>
    private async Task TickAsync()
    {
        var before = _logger.Collector.Count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_logger.Collector.Count == before && DateTime.UtcNow < deadline)
        {
            _time.Advance(DoneSummary.Interval);
            await Task.Delay(10);
        }
    }
}
