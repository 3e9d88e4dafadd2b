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

    [Fact]
    public void Paired_rounds_give_the_median_of_their_own_ratios()
    {
        Rate PerSecond(double value) => new(value, TimeSpan.FromSeconds(1));

        // The machine slows down between rounds; each round's ratio is still 0.5, 0.8 and 0.6.
        var measured = new[] { PerSecond(50), PerSecond(40), PerSecond(12) };
        var baseline = new[] { PerSecond(100), PerSecond(50), PerSecond(20) };

        Assert.Equal(0.6, Rate.MedianRatio(measured, baseline), precision: 10);
    }
}
