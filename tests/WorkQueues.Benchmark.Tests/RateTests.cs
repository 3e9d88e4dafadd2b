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
    public void The_spread_of_rates_is_taken_over_their_rates_per_second()
    {
        var spread = Rate.Spread([Rate.From(30, TimeSpan.FromSeconds(1)), Rate.From(10, TimeSpan.FromSeconds(2)), Rate.From(20, TimeSpan.FromSeconds(1))]);

        Assert.Equal(new Spread(5, 20, 30), spread);
    }

    [Fact]
    public void A_rate_relative_to_another_is_their_quotient_and_zero_against_nothing()
    {
        var on = Rate.From(900, TimeSpan.FromSeconds(1));

        Assert.Equal(0.9, on.RelativeTo(Rate.From(2_000, TimeSpan.FromSeconds(2))), 6);
        Assert.Equal(0, on.RelativeTo(Rate.From(0, TimeSpan.FromSeconds(1))));
    }
}
