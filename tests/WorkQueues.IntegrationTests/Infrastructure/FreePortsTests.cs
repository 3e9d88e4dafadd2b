namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>The test support's port allocation: a cluster's consecutive ports are never handed out to anything else.</summary>
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
    }
}
