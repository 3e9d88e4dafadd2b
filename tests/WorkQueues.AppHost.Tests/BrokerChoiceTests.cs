using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class BrokerChoiceTests
{
    private static readonly MessagingSettings Settings = new() { ContainerRuntime = "docker" };

    private static BrokerKind Resolve(BrokerKind requested, bool runtime, bool server, bool publish = false) =>
        BrokerChoice.Resolve(requested, publish, () => runtime, () => server, Settings);

    [Theory]
    [InlineData(true, true, BrokerKind.Container)]
    [InlineData(true, false, BrokerKind.Container)]
    [InlineData(false, true, BrokerKind.Local)]
    public void Auto_prefers_a_running_container_runtime_then_the_installed_server(bool runtime, bool server, BrokerKind expected) =>
        Assert.Equal(expected, Resolve(BrokerKind.Auto, runtime, server));

    [Fact]
    public void Auto_with_neither_fails_naming_both_fixes()
    {
        var error = Assert.Throws<BrokerUnavailableException>(() => Resolve(BrokerKind.Auto, runtime: false, server: false));

        Assert.Contains("Docker or Podman", error.Message);
        Assert.Contains("apt-get install rabbitmq-server", error.Message);
    }

    [Fact]
    public void Container_without_a_runtime_fails_instead_of_waiting()
    {
        var error = Assert.Throws<BrokerUnavailableException>(() => Resolve(BrokerKind.Container, runtime: false, server: true));

        Assert.Contains("'docker' is not running", error.Message);
        Assert.Contains("rabbitmq-server", error.Message);
    }

    [Fact]
    public void Local_without_the_server_fails_with_the_install_command()
    {
        var error = Assert.Throws<BrokerUnavailableException>(() => Resolve(BrokerKind.Local, runtime: true, server: false));

        Assert.Contains("apt-get install rabbitmq-server", error.Message);
    }

    [Fact]
    public void External_never_probes_anything()
    {
        var kind = BrokerChoice.Resolve(BrokerKind.External, false, () => throw new InvalidOperationException(), () => throw new InvalidOperationException(), Settings);

        Assert.Equal(BrokerKind.External, kind);
    }

    [Theory]
    [InlineData(BrokerKind.Auto)]
    [InlineData(BrokerKind.Local)]
    [InlineData(BrokerKind.Container)]
    public void Publishing_always_describes_the_container(BrokerKind requested) =>
        Assert.Equal(BrokerKind.Container, Resolve(requested, runtime: false, server: false, publish: true));
}
