using Microsoft.Extensions.Configuration;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class MessagingSettingsTests
{
    private static MessagingSettings From(Dictionary<string, string?> values) =>
        MessagingSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Defaults_match_the_tutorial_ports()
    {
        var settings = From([]);

        Assert.Equal(BrokerKind.Auto, settings.Broker);
        Assert.Equal(5672, settings.AmqpPort);
        Assert.Equal(15672, settings.ManagementPort);
        Assert.Equal("docker", settings.ContainerRuntime);
        Assert.Null(settings.ContainerImage);
    }

    [Fact]
    public void Settings_and_aspire_runtime_choice_are_read()
    {
        var settings = From(new()
        {
            ["Messaging:Broker"] = "local",
            ["Messaging:AmqpPort"] = "5999",
            ["Messaging:ContainerImage"] = "localhost/rabbitmq-local:3.10",
            ["ASPIRE_CONTAINER_RUNTIME"] = "podman",
        });

        Assert.Equal(BrokerKind.Local, settings.Broker);
        Assert.Equal(5999, settings.AmqpPort);
        Assert.Equal("podman", settings.ContainerRuntime);
        Assert.Equal("localhost/rabbitmq-local:3.10", settings.ContainerImage);
    }

    [Fact]
    public void The_runtime_is_read_in_the_order_aspire_reads_it()
    {
        Assert.Equal("podman", From(new() { ["DcpPublisher:ContainerRuntime"] = "podman", ["ASPIRE_CONTAINER_RUNTIME"] = "docker" }).ContainerRuntime);
        Assert.Equal("podman", From(new() { ["ASPIRE_CONTAINER_RUNTIME"] = "podman", ["DOTNET_ASPIRE_CONTAINER_RUNTIME"] = "docker" }).ContainerRuntime);
        Assert.Equal("podman", From(new() { ["DOTNET_ASPIRE_CONTAINER_RUNTIME"] = "podman" }).ContainerRuntime);
        Assert.Equal("podman", From(new() { ["ASPIRE_CONTAINER_RUNTIME"] = "podman", ["Messaging:ContainerRuntime"] = "docker" }).ContainerRuntime);
    }
}
