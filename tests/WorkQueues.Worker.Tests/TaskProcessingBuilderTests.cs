using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.Worker.Tests;

public class TaskProcessingBuilderTests
{
    [Fact]
    public void The_tutorials_dots_handler_does_the_work_unless_another_is_given()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddTaskProcessing();
        using var scope = builder.Build().Services.CreateScope();

        Assert.IsType<DotsTaskHandler>(scope.ServiceProvider.GetRequiredService<ITaskHandler>());
    }

    [Fact]
    public void One_line_puts_another_handler_in_its_place_resolved_per_task()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddTaskProcessing().WithTaskHandler<Sha256ChainTaskHandler>();
        var services = builder.Build().Services;

        using var first = services.CreateScope();
        using var second = services.CreateScope();
        var handler = first.ServiceProvider.GetRequiredService<ITaskHandler>();
        Assert.IsType<Sha256ChainTaskHandler>(handler);
        Assert.Same(handler, first.ServiceProvider.GetRequiredService<ITaskHandler>());
        Assert.NotSame(handler, second.ServiceProvider.GetRequiredService<ITaskHandler>());
        Assert.Single(first.ServiceProvider.GetServices<ITaskHandler>());
    }
}
