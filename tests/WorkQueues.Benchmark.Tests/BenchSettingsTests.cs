namespace WorkQueues.Benchmark.Tests;

public class BenchSettingsTests
{
    [Fact]
    public void Without_arguments_every_part_runs_five_rounds_of_the_published_services()
    {
        var settings = BenchSettings.Parse([]) with { BrokerUri = null };

        Assert.False(settings.Smoke);
        Assert.Equal(5, settings.Rounds);
        Assert.Equal(ServiceForm.Published, settings.Form);
        Assert.Empty(settings.ServiceEnvironment);
        Assert.False(settings.TracedBaseline);
        Assert.False(settings.TracedFills);
        Assert.False(settings.UntrackedBaseline);
        Assert.All(new[] { "ingest", "drain", "fair", "coldstart" }, part => Assert.True(settings.Runs(part)));
    }

    [Fact]
    public void Smoke_mode_is_one_small_round()
    {
        var settings = BenchSettings.Parse(["--smoke"]);

        Assert.True(settings.Smoke);
        Assert.Equal(1, settings.Rounds);
        Assert.True(settings.DrainCount <= 5_000);
        Assert.Equal(ServiceForm.Build, settings.Form);
        Assert.All(new[] { "ingest", "drain", "fair" }, part => Assert.True(settings.Runs(part)));
        Assert.False(settings.Runs("coldstart"));
        Assert.True(BenchSettings.Parse(["--smoke", "--only", "coldstart"]).Runs("coldstart"));
    }

    [Fact]
    public void The_form_and_service_settings_are_read()
    {
        var settings = BenchSettings.Parse(["--smoke", "--form", "published", "--env", "Worker__DoneLog=Summary", "--env", "A=b=c"]);

        Assert.Equal(ServiceForm.Published, settings.Form);
        Assert.Equal(new Dictionary<string, string> { ["Worker__DoneLog"] = "Summary", ["A"] = "b=c" }, settings.ServiceEnvironment);
        Assert.Equal(ServiceForm.Build, BenchSettings.Parse(["--form", "BUILD"]).Form);
    }

    [Fact]
    public void A_traced_or_untracked_baseline_and_traced_fills_are_asked_for_by_name()
    {
        Assert.True(BenchSettings.Parse(["--only", "ingest", "--traced-baseline"]).TracedBaseline);
        Assert.True(BenchSettings.Parse(["--only", "drain", "--traced-fills"]).TracedFills);
        Assert.True(BenchSettings.Parse(["--only", "ingest", "--untracked-baseline"]).UntrackedBaseline);
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
    [InlineData("--form", "aot")]
    [InlineData("--form", "1")]
    [InlineData("--env", "=value")]
    [InlineData("--env", "novalue")]
    public void Bad_arguments_are_refused_with_the_usage(params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => BenchSettings.Parse(args));

        Assert.Contains("Usage:", error.Message);
    }
}
