using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Status;

namespace WorkQueues.Producer.Tests.Status;

public class TaskStatusExtensionsTests
{
    [Fact]
    public void Publishing_alone_as_the_command_line_uses_it_builds_no_board()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddTaskPublishing();

        using var host = builder.Build();

        Assert.Null(host.Services.GetService<TaskBoard>());
        Assert.Empty(host.Services.GetServices<ITaskPublishObserver>());
    }

    [Fact]
    public void The_status_view_observes_the_publishes_through_its_board()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddTaskPublishing();
        builder.AddTaskStatus();

        using var host = builder.Build();

        Assert.Same(host.Services.GetRequiredService<TaskBoard>(), Assert.Single(host.Services.GetServices<ITaskPublishObserver>()));
    }
}
