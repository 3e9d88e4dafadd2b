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
        Assert.Equal("127.0.0.1", settings.BindAddress);
        Assert.Null(settings.ContainerImage);
    }

    [Fact]
    public void The_local_brokers_data_lives_in_the_users_data_folder_not_in_tmp()
    {
        var settings = From([]);

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var expected = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "workqueues")
            : Path.Combine(xdg, "workqueues");
        Assert.Equal(expected, settings.DataRoot);
    }

    [Fact]
    public void The_epmd_port_is_erlangs_own_unless_given()
    {
        Assert.Equal(4369, From([]).EpmdPort);
        Assert.Equal(4400, From(new() { ["ERL_EPMD_PORT"] = "4400" }).EpmdPort);
        Assert.Equal(4500, From(new() { ["ERL_EPMD_PORT"] = "4400", ["Messaging:EpmdPort"] = "4500" }).EpmdPort);
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

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("7")]
    public void An_odd_number_of_nodes_up_to_seven_is_a_cluster_size(string nodes) =>
        Assert.Equal(int.Parse(nodes), From(new() { ["Messaging:Nodes"] = nodes }).Nodes);

    [Theory]
    [InlineData("0", "at least 1")]
    [InlineData("-3", "at least 1")]
    [InlineData("2", "odd number")]
    [InlineData("4", "odd number")]
    [InlineData("9", "at most 7")]
    public void Other_node_counts_are_refused_with_the_reason(string nodes, string reason)
    {
        var error = Assert.Throws<BrokerUnavailableException>(() => From(new() { ["Messaging:Nodes"] = nodes }));
        Assert.Contains("Messaging:Nodes", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void One_node_is_the_default_and_no_cluster() => Assert.False(From([]).IsCluster);
}
