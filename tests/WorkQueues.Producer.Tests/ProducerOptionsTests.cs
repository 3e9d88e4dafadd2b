using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Tests;

public class ProducerOptionsTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTaskPublishing();
        return builder.Build().Services;
    }

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var services = Build([]);

        var producer = services.GetRequiredService<IOptions<ProducerOptions>>().Value;
        var tasks = services.GetRequiredService<IOptions<TaskOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(5), producer.PublishTimeout);
        Assert.Equal(10_000, producer.MaxBatchSize);
        Assert.Equal(16 * 1024 * 1024, producer.MaxBatchBytes);
        Assert.Equal(100, producer.MaxEventSubscribers);
        Assert.Equal(TimeSpan.FromSeconds(15), producer.EventKeepAlive);
        Assert.Equal(600, tasks.MaxSeconds);
        Assert.Equal(65_536, tasks.MaxBytes);
    }

    [Fact]
    public void Settings_are_bound_from_configuration()
    {
        var services = Build(new() { ["Producer:PublishTimeout"] = "00:00:02", ["Tasks:MaxSeconds"] = "30" });

        Assert.Equal(TimeSpan.FromSeconds(2), services.GetRequiredService<IOptions<ProducerOptions>>().Value.PublishTimeout);
        Assert.Equal(30, services.GetRequiredService<IOptions<TaskOptions>>().Value.MaxSeconds);
    }

    [Theory]
    [InlineData("Producer:PublishTimeout", "00:00:00")]
    [InlineData("Producer:MaxBatchSize", "0")]
    [InlineData("Producer:MaxEventSubscribers", "0")]
    [InlineData("Producer:EventKeepAlive", "00:00:00")]
    [InlineData("Tasks:MaxSeconds", "0")]
    [InlineData("Tasks:MaxSeconds", "100000")]
    [InlineData("Tasks:MaxBytes", "-1")]
    public void Out_of_range_settings_are_refused(string key, string value)
    {
        var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<ProducerOptions>>().Value;
            _ = services.GetRequiredService<IOptions<TaskOptions>>().Value;
        });
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
