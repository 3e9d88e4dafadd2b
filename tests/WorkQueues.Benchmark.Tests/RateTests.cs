namespace WorkQueues.Benchmark.Tests;

public class RateTests
{
    [Fact]
    public void A_rate_is_count_over_seconds()
    {
        Assert.Equal(2_000, Rate.From(1_000, TimeSpan.FromMilliseconds(500)).PerSecond);
        Assert.Equal(0, Rate.From(1_000, TimeSpan.Zero).PerSecond);
    }

    [Fact]
    public void The_median_of_odd_and_even_rounds()
    {
        Rate PerSecond(double value) => new(value, TimeSpan.FromSeconds(1));

        Assert.Equal(20, Rate.Median([PerSecond(30), PerSecond(10), PerSecond(20)]));
        Assert.Equal(15, Rate.Median([PerSecond(30), PerSecond(10), PerSecond(20), PerSecond(5)]));
        Assert.Equal(0, Rate.Median([]));
    }
}
