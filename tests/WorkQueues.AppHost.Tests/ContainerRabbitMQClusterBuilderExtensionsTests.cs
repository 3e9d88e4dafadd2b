using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class ContainerRabbitMQClusterBuilderExtensionsTests
{
    private static (IDistributedApplicationBuilder Builder, RabbitMQClusterResource Cluster) Cluster(int nodes)
    {
        var builder = DistributedApplication.CreateBuilder();
        var cluster = builder.AddContainerRabbitMQCluster(
            "messaging", builder.AddParameter("user", "workqueues"), builder.AddParameter("password", "secret", secret: true),
            new MessagingSettings { Nodes = nodes, AmqpPort = 5700, ManagementPort = 15700 });
        return (builder, cluster.Resource);
    }

    private static RabbitMQServerResource Server(IRabbitMQNodeResource node) => Assert.IsType<RabbitMQContainerNode>(node).Server;

    [Fact]
    public void Each_node_is_a_container_on_consecutive_ports_with_its_own_volume()
    {
        var (_, cluster) = Cluster(3);

        Assert.Equal(["messaging-1", "messaging-2", "messaging-3"], cluster.Nodes.Select(node => node.Name));
        Assert.Equal([5700, 5701, 5702], cluster.Nodes.Select(node => Server(node).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp").Port));
        Assert.Equal([15700, 15701, 15702], cluster.Nodes.Select(node => Server(node).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "management").Port));
        var volumes = cluster.Nodes.Select(node => Assert.Single(Server(node).Annotations.OfType<ContainerMountAnnotation>())).ToList();
        Assert.All(volumes, volume => Assert.Equal("/var/lib/rabbitmq", volume.Target));
        Assert.Equal(3, volumes.Select(volume => volume.Source).Distinct().Count());
    }

    [Fact]
    public void Later_nodes_wait_for_the_first_so_they_join_its_cluster()
    {
        var (_, cluster) = Cluster(3);

        Assert.Empty(Server(cluster.Nodes[0]).Annotations.OfType<WaitAnnotation>());
        foreach (var node in cluster.Nodes.Skip(1))
        {
            Assert.Equal("messaging-1", Assert.Single(Server(node).Annotations.OfType<WaitAnnotation>()).Resource.Name);
        }

        Assert.Equal(3, cluster.Annotations.OfType<WaitAnnotation>().Count());
    }

    [Fact]
    public void The_cookie_is_one_generated_secret_parameter()
    {
        var (builder, _) = Cluster(3);

        var cookie = Assert.Single(builder.Resources.OfType<ParameterResource>(), p => p.Name == "messaging-cookie");
        Assert.True(cookie.Secret);
    }

    [Fact]
    public void The_peer_list_names_every_node_and_has_no_space_inside_a_term()
    {
        var arguments = RabbitMQPeerDiscovery.ErlangArguments(["rabbit@messaging-1", "rabbit@messaging-2", "rabbit@messaging-3"]);

        Assert.Equal(
            ["-rabbit", "cluster_nodes", "{['rabbit@messaging-1','rabbit@messaging-2','rabbit@messaging-3'],disc}", "-rabbit", "cluster_partition_handling", "pause_minority"],
            arguments.Split(' '));
    }
}
