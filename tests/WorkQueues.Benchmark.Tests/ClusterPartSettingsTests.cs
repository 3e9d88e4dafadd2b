namespace WorkQueues.Benchmark.Tests;

public class ClusterPartSettingsTests
{
    [Fact]
    public void A_full_run_includes_the_cluster_part() => Assert.True(BenchSettings.Parse([]).RunsCluster);

    [Fact]
    public void Smoke_leaves_the_cluster_part_out_so_ci_stays_short() => Assert.False(BenchSettings.Parse(["--smoke"]).RunsCluster);

    [Fact]
    public void Smoke_runs_it_when_it_is_named() => Assert.True(BenchSettings.Parse(["--smoke", "--only", "cluster"]).RunsCluster);

    [Fact]
    public void Only_other_parts_leave_it_out() => Assert.False(BenchSettings.Parse(["--only", "ingest,drain"]).RunsCluster);
}
