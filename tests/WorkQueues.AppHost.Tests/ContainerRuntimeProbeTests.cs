using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class ContainerRuntimeProbeTests
{
    [Theory]
    [InlineData("docker", "{{.ServerVersion}}")]
    [InlineData("/usr/local/bin/docker", "{{.ServerVersion}}")]
    [InlineData("podman", "{{.Version.Version}}")]
    [InlineData("/usr/bin/podman", "{{.Version.Version}}")]
    public void Each_runtime_is_asked_for_a_version_only_its_answering_engine_has(string runtime, string format) =>
        Assert.Equal(["info", "--format", format], ContainerRuntimeProbe.InfoArguments(runtime));

    [Fact]
    public void A_runtime_that_is_not_installed_does_not_answer() =>
        Assert.False(ContainerRuntimeProbe.IsHealthy($"no-such-runtime-{Guid.NewGuid():N}", TimeSpan.FromSeconds(5)));
}
