using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Tasks.Tests;

public sealed class BrokerEndpointsTests
{
    [Fact]
    public void Parses_every_node_in_order()
    {
        var endpoints = BrokerEndpoints.Parse("localhost:5672, 127.0.0.1:5673,[::1]:5674");

        Assert.Equal(["localhost:5672", "127.0.0.1:5673", "::1:5674"], endpoints.Select(e => $"{e.HostName}:{e.Port}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    public void No_list_is_no_endpoints(string? list) => Assert.Empty(BrokerEndpoints.Parse(list));

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":5672")]
    [InlineData("localhost:70000")]
    [InlineData("localhost:abc")]
    public void An_entry_that_is_no_host_and_port_is_refused_by_name(string list)
    {
        var error = Assert.Throws<FormatException>(() => BrokerEndpoints.Parse(list));
        Assert.Contains("Messaging:Endpoints", error.Message);
    }

    [Fact]
    public void Configure_turns_recovery_on_and_resolves_to_every_node()
    {
        var factory = new ConnectionFactory();
        BrokerEndpoints.Configure(factory, "localhost:5672,localhost:5673");

        Assert.True(factory.AutomaticRecoveryEnabled);
        Assert.True(factory.TopologyRecoveryEnabled);
        var resolved = factory.EndpointResolverFactory([factory.Endpoint]).All().Select(e => e.Port).Order();
        Assert.Equal([5672, 5673], resolved);
    }
}
