using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WorkQueues.Worker.Consuming;

namespace WorkQueues.Worker.Tests;

public class WorkerOptionsTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTaskProcessing();
        return builder.Build().Services;
    }

    [Fact]
    public void Defaults_give_fair_dispatch_and_one_second_per_dot()
    {
        var options = Build([]).GetRequiredService<IOptions<WorkerOptions>>().Value;

        Assert.Equal(1, options.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(1), options.DotDuration);
        Assert.Equal(DoneLog.Adaptive, options.DoneLog);
        Assert.Equal(100, options.DoneLinesPerSecond);
    }

    [Fact]
    public void Settings_are_bound_from_configuration()
    {
        var options = Build(new() { ["Worker:Concurrency"] = "16", ["Worker:DotDuration"] = "00:00:00.010", ["Worker:DoneLog"] = "Summary", ["Worker:DoneLinesPerSecond"] = "5" })
            .GetRequiredService<IOptions<WorkerOptions>>().Value;

        Assert.Equal(16, options.Concurrency);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.DotDuration);
        Assert.Equal(DoneLog.Summary, options.DoneLog);
        Assert.Equal(5, options.DoneLinesPerSecond);
    }

    [Theory]
    [InlineData("Worker:Concurrency", "0")]
    [InlineData("Worker:Concurrency", "70000")]
    [InlineData("Worker:DotDuration", "-00:00:01")]
    [InlineData("Worker:DoneLinesPerSecond", "0")]
    public void Out_of_range_settings_are_refused(string key, string value)
    {
        var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WorkerOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
