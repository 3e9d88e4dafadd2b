namespace WorkQueues.Benchmark.Tests;

public class BracketedTests
{
    private static Rate PerSecond(double value) => new(value, TimeSpan.FromSeconds(1));

    [Fact]
    public void A_subject_is_compared_with_the_mean_of_the_baselines_around_it()
    {
        // The machine slowed down from 120 to 80 while the subject ran: it is compared with 100, not with either.
        var run = new Bracketed(PerSecond(120), PerSecond(90), PerSecond(80));

        Assert.Equal(100, run.Baseline);
        Assert.Equal(0.9, run.Ratio, precision: 10);
        Assert.Equal(0, new Bracketed(PerSecond(0), PerSecond(90), PerSecond(0)).Ratio);
    }

    [Fact]
    public async Task Runs_alternate_baseline_and_subject_and_share_the_baseline_between_two_subjects()
    {
        var order = new List<string>();
        var baselines = 0;
        Func<Task<Rate>> Measure(string name, double value) => () =>
        {
            order.Add(name);
            return Task.FromResult(PerSecond(value));
        };

        var runs = await Bracketed.RunAsync(
            () => Measure("baseline", 100 + 10 * baselines++)(),
            Measure("first", 50),
            Measure("second", 60));

        Assert.Equal(["baseline", "first", "baseline", "second", "baseline"], order);
        Assert.Equal(2, runs.Count);
        Assert.Equal((PerSecond(100), PerSecond(50), PerSecond(110)), (runs[0].Before, runs[0].Subject, runs[0].After));
        Assert.Equal((PerSecond(110), PerSecond(60), PerSecond(120)), (runs[1].Before, runs[1].Subject, runs[1].After));
    }
}
