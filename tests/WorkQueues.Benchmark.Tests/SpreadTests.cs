namespace WorkQueues.Benchmark.Tests;

public class SpreadTests
{
    [Fact]
    public void The_median_of_odd_and_even_counts()
    {
        Assert.Equal(new Spread(10, 20, 30), Spread.Of([30, 10, 20]));
        Assert.Equal(new Spread(5, 15, 30), Spread.Of([30, 10, 20, 5]));
    }

    [Fact]
    public void Nothing_measured_is_all_zero_and_one_figure_is_its_own_spread()
    {
        Assert.Equal(new Spread(0, 0, 0), Spread.Of([]));
        Assert.Equal(new Spread(7, 7, 7), Spread.Once(7));
    }
}
