using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>The publish manifest of a three-node cluster (<c>Messaging:Nodes=3</c>).</summary>
public sealed class PublishedClusterManifest : PublishedManifest
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Messaging__Nodes"] = "3" };
}

public sealed class ClusterManifestTests(PublishedClusterManifest manifest) : IClassFixture<PublishedClusterManifest>
{
    private static readonly string[] Nodes = ["messaging-1", "messaging-2", "messaging-3"];

    private readonly JsonElement _resources = manifest.Resources;

    [Fact]
    public void The_erlang_cookie_is_a_generated_secret_parameter()
    {
        var cookie = _resources.GetProperty("messaging-cookie");
        var value = cookie.GetProperty("inputs").GetProperty("value");

        Assert.Equal("parameter.v0", cookie.GetProperty("type").GetString());
        Assert.True(value.GetProperty("secret").GetBoolean());
        Assert.True(value.GetProperty("default").TryGetProperty("generate", out _));
    }

    [Fact]
    public void Every_node_is_a_rabbitmq_container_with_its_own_data_volume_the_cookie_and_the_peer_list()
    {
        var volumes = new List<string>();
        foreach (var node in Nodes)
        {
            var resource = _resources.GetProperty(node);
            var env = resource.GetProperty("env");

            Assert.Equal("container.v0", resource.GetProperty("type").GetString());
            Assert.EndsWith("management", resource.GetProperty("image").GetString());
            var volume = Assert.Single(resource.GetProperty("volumes").EnumerateArray());
            Assert.Equal("/var/lib/rabbitmq", volume.GetProperty("target").GetString());
            volumes.Add(volume.GetProperty("name").GetString()!);
            Assert.Equal(5672, resource.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());

            Assert.Equal("{messaging-cookie.value}", env.GetProperty("RABBITMQ_ERLANG_COOKIE").GetString());
            Assert.Equal($"rabbit@{node}", env.GetProperty("RABBITMQ_NODENAME").GetString());
            Assert.Equal("{messaging-password.value}", env.GetProperty("RABBITMQ_DEFAULT_PASS").GetString());
            var peerDiscovery = env.GetProperty("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS").GetString();
            Assert.Contains("-rabbit cluster_nodes {['rabbit@messaging-1','rabbit@messaging-2','rabbit@messaging-3'],disc}", peerDiscovery);
            Assert.Contains("cluster_partition_handling pause_minority", peerDiscovery);
        }

        Assert.Equal(Nodes.Length, volumes.Distinct().Count());
        Assert.False(_resources.TryGetProperty("messaging-4", out _));
    }

    [Fact]
    public void The_services_get_every_node_and_quorum_queues()
    {
        Assert.Equal("value.v0", _resources.GetProperty("messaging").GetProperty("type").GetString());
        Assert.Contains("{messaging-1.bindings.tcp.host}", _resources.GetProperty("messaging").GetProperty("connectionString").GetString());
        foreach (var service in new[] { "producer", "worker" })
        {
            var env = _resources.GetProperty(service).GetProperty("env");
            Assert.Equal("{messaging.connectionString}", env.GetProperty("ConnectionStrings__messaging").GetString());
            Assert.Equal(
                string.Join(",", Nodes.Select(node => $"{{{node}.bindings.tcp.host}}:{{{node}.bindings.tcp.port}}")),
                env.GetProperty("Messaging__Endpoints").GetString());
            Assert.Equal("Quorum", env.GetProperty("Tasks__QueueType").GetString());
        }
    }

    [Fact]
    public void No_secret_value_is_written_into_the_manifest()
    {
        Assert.DoesNotMatch("RABBITMQ_ERLANG_COOKIE\":\\s*\"[^{]", _resources.GetRawText());
        Assert.DoesNotMatch("RABBITMQ_DEFAULT_PASS\":\\s*\"[^{]", _resources.GetRawText());
    }
}
