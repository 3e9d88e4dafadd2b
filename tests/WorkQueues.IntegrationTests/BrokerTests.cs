using System.Net;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests;

/// <summary>The broker the AppHost chose and set up.</summary>
[Collection(AppHostCollection.Name)]
public sealed class BrokerTests(AppHostFixture fixture)
{
    [Fact]
    public void Without_a_container_runtime_the_default_choice_is_the_local_server()
    {
        var broker = fixture.App.Resource("messaging");

        if (ContainerRuntime.IsRunning)
        {
            Assert.IsNotType<LocalRabbitMQResource>(broker);
        }
        else
        {
            var local = Assert.IsType<LocalRabbitMQResource>(broker);
            Assert.Equal($"workqueues-{fixture.AmqpPort}@localhost", local.Folder.NodeName);
        }
    }

    [LocalBrokerFact]
    public async Task The_local_broker_preloaded_its_code_as_it_booted()
    {
        var log = await fixture.App.ConsoleLogAsync("messaging");

        // The preload's own line at each boot (a test may have restarted the broker), with the count of modules it
        // asked for (RabbitMQ 3.10 with the management plugin has about 1,100) and none left unloaded.
        var lines = log.Split('\n').Where(line => line.Contains(ErlangCodePreload.DoneMarker)).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var preload = ErlangCodePreloadLine.Parse(line);
            Assert.True(preload is not null, line);
            Assert.InRange(preload.Modules, 500, 5000);
            Assert.Equal(0, preload.NotLoaded);
        }

        Assert.DoesNotContain(ErlangCodePreload.FailedMarker, log);
    }

    [Fact]
    public void The_broker_listens_on_the_configured_port_with_generated_credentials()
    {
        Assert.Equal(fixture.AmqpPort, fixture.App.BrokerUri.Port);
        Assert.NotEqual("guest", fixture.App.UserName);
        Assert.NotEqual("guest", fixture.App.Password);
    }

    [Fact]
    public async Task Task_queue_is_durable_and_has_no_arguments_so_tutorial_clients_share_it()
    {
        var queue = await fixture.Management.GetQueueAsync();

        Assert.True(queue.Durable);
        Assert.Equal(0, queue.ArgumentCount);
    }

    [Fact]
    public async Task The_management_ui_takes_the_parameters_credentials_and_refuses_guest()
    {
        using var overview = await fixture.Management.GetAsync("/api/overview");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);

        using var guest = new BrokerManagementClient(new Uri($"http://127.0.0.1:{fixture.ManagementPort}"), "guest", "guest");
        using var refused = await guest.GetAsync("/api/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
