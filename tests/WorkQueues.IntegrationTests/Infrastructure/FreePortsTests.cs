namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Free ports for brokers and AppHosts that never collide, within a test run nor between two side by side.</summary>
public sealed class FreePortsTests
{
    [Fact]
    public void No_port_is_handed_out_twice_nor_taken_from_a_run()
    {
        var first = FreePorts.Run(3);
        var run = Enumerable.Range(first, 3).ToHashSet();

        var singles = Enumerable.Range(0, 200).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(singles.Count, singles.Distinct().Count());
        Assert.DoesNotContain(singles, run.Contains);
        Assert.NotEqual(first, FreePorts.Run(3));
        // Whichever share of the ports this run was given (./test.sh runs two lanes side by side), it kept to it.
        Assert.All(singles.Concat(run), port => Assert.True(FreePorts.IsOurs(port), $"port {port} is outside this run's share"));
    }

    [Theory]
    [InlineData(null, 0, 1)]
    [InlineData("", 0, 1)]
    [InlineData("0/2", 0, 2)]
    [InlineData("1/2", 1, 2)]
    public void A_share_is_k_of_n(string? share, int index, int count) =>
        Assert.Equal((index, count), FreePorts.ParseShare(share));

    [Theory]
    [InlineData("2/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void A_share_that_is_not_k_of_n_is_refused(string share) =>
        Assert.Throws<InvalidOperationException>(() => FreePorts.ParseShare(share));

    [Fact]
    public void A_run_longer_than_a_block_is_refused_as_it_could_not_lie_in_one_share() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FreePorts.Run(FreePorts.BlockSize + 1));
}
