namespace WorkQueues.Benchmark.Tests;

public class BenchSettingsTests
{
    [Fact]
    public void Without_arguments_every_part_runs_three_rounds_on_a_broker_of_its_own()
    {
        var settings = BenchSettings.Parse([]) with { BrokerUri = null };

        Assert.False(settings.Smoke);
        Assert.Equal(3, settings.Rounds);
        Assert.All(new[] { "ingest", "drain", "fair" }, part => Assert.True(settings.Runs(part)));
    }

    [Fact]
    public void Smoke_mode_is_one_small_round()
    {
        var settings = BenchSettings.Parse(["--smoke"]);

        Assert.True(settings.Smoke);
        Assert.Equal(1, settings.Rounds);
        Assert.True(settings.DrainCount <= 5_000);
    }

    [Fact]
    public void Only_rounds_and_broker_are_read()
    {
        var settings = BenchSettings.Parse(["--only", "drain,fair", "--rounds", "5", "--broker", "amqp://u:p@host:5673"]);

        Assert.True(settings.Runs("drain"));
        Assert.False(settings.Runs("ingest"));
        Assert.Equal(5, settings.Rounds);
        Assert.Equal("amqp://u:p@host:5673", settings.BrokerUri);
    }

    [Theory]
    [InlineData("--rounds", "0")]
    [InlineData("--only", "everything")]
    [InlineData("--fast")]
    [InlineData("--broker")]
    public void Bad_arguments_are_refused_with_the_usage(params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => BenchSettings.Parse(args));

        Assert.Contains("Usage:", error.Message);
    }
}
