using Microsoft.Extensions.Configuration;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class BrokerChoiceTests
{
    private static readonly MessagingSettings Settings = new() { ContainerRuntime = "docker" };

    private static BrokerKind Resolve(BrokerKind requested, bool runtime, bool server, bool publish = false) =>
        BrokerChoice.Resolve(requested, publish, _ => runtime, () => server, Settings);

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
        var kind = BrokerChoice.Resolve(BrokerKind.External, false, _ => throw new InvalidOperationException(), () => throw new InvalidOperationException(), Settings);

        Assert.Equal(BrokerKind.External, kind);
    }

    [Theory]
    [InlineData(BrokerKind.Auto)]
    [InlineData(BrokerKind.Local)]
    [InlineData(BrokerKind.Container)]
    public void Publishing_always_describes_the_container(BrokerKind requested) =>
        Assert.Equal(BrokerKind.Container, Resolve(requested, runtime: false, server: false, publish: true));

    /// <summary>A machine where podman answers and Docker does not, with the local server installed too.</summary>
    private static BrokerKind ResolveOnPodmanOnlyMachine(Dictionary<string, string?> configuration)
    {
        var settings = MessagingSettings.From(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        return BrokerChoice.Resolve(settings.Broker, false, runtime => runtime == "podman", () => true, settings);
    }

    [Fact]
    public void Auto_takes_the_container_path_with_podman_when_aspire_is_told_to_use_it() =>
        Assert.Equal(BrokerKind.Container, ResolveOnPodmanOnlyMachine(new() { ["ASPIRE_CONTAINER_RUNTIME"] = "podman" }));

    [Fact]
    public void Auto_takes_the_local_path_when_podman_is_installed_but_aspire_would_use_docker() =>
        Assert.Equal(BrokerKind.Local, ResolveOnPodmanOnlyMachine([]));

    [Fact]
    public void The_runtime_asked_is_the_one_aspire_will_use()
    {
        var asked = new List<string>();
        var settings = MessagingSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DOTNET_ASPIRE_CONTAINER_RUNTIME"] = "podman" }).Build());

        BrokerChoice.Resolve(BrokerKind.Auto, false, runtime => { asked.Add(runtime); return false; }, () => true, settings);

        Assert.Equal(["podman"], asked);
    }

    [Fact]
    public void A_forced_container_path_names_the_runtime_and_how_to_choose_podman()
    {
        var error = Assert.Throws<BrokerUnavailableException>(() => Resolve(BrokerKind.Container, runtime: false, server: true));

        Assert.Contains("ASPIRE_CONTAINER_RUNTIME=podman", error.Message);
    }
}
