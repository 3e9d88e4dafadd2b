using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WorkQueues.Worker;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The Worker as its Program.cs registers it (<c>AddTaskProcessing</c>), hosted in-process on a test broker with a
/// handler of the test's own in place of the dots.
/// </summary>
public static class InProcessWorker
{
    public static async Task<IHost> StartAsync<THandler>(
        StandaloneBroker broker, Action<IServiceCollection> services, IReadOnlyDictionary<string, string?>? settings = null)
        where THandler : class, ITaskHandler
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = broker.ConnectionString,
            ["Worker:Concurrency"] = "4",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        services(builder.Services);
        builder.AddTaskProcessing().WithTaskHandler<THandler>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
