namespace WorkQueues.AppHost.Messaging;

public static class ContainerRabbitMQClusterBuilderExtensions
{
    /// <summary>
    /// Runs <see cref="MessagingSettings.Nodes"/> RabbitMQ containers (<c>{name}-1</c>…, each Aspire's RabbitMQ resource
    /// with its health, management plugin and own data volume) that join one cluster by classic config peer discovery
    /// with a shared Erlang cookie, the secret parameter <c>{name}-cookie</c>. Node i publishes AMQP on
    /// <see cref="MessagingSettings.AmqpPort"/> + i - 1 and management on <see cref="MessagingSettings.ManagementPort"/> + i - 1.
    /// Nodes 2… start once node 1 is healthy, so they join its cluster rather than racing to form their own.
    /// </summary>
    public static IResourceBuilder<RabbitMQClusterResource> AddContainerRabbitMQCluster(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        // Letters and digits: Erlang reads the cookie as an atom.
        var cookie = builder.AddParameter($"{name}-cookie", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var hosts = Enumerable.Range(1, settings.Nodes).Select(index => $"{name}-{index}").ToList();
        var peerDiscovery = RabbitMQPeerDiscovery.ErlangArguments(hosts.Select(RabbitMQPeerDiscovery.NodeName));

        var clusterBuilder = builder.AddRabbitMQClusterResource(name, userName, password, hosts.Select(RabbitMQPeerDiscovery.NodeName).ToList());
        var cluster = clusterBuilder.Resource;
        // Deployed, the cluster is what the services reference: its connection string names the first node.
        clusterBuilder.WithManifestPublishingCallback(context =>
        {
            context.Writer.WriteString("type", "value.v0");
            context.Writer.WriteString("connectionString", cluster.ConnectionStringExpression.ValueExpression);
        });

        IResourceBuilder<RabbitMQServerResource>? first = null;
        foreach (var (host, index) in hosts.Select((host, i) => (host, i)))
        {
            var node = builder.AddContainerRabbitMQ(host, userName, password, settings with
                {
                    AmqpPort = settings.AmqpPort + index,
                    ManagementPort = settings.ManagementPort + index,
                })
                .WithEnvironment(RabbitMQPeerDiscovery.NodeNameVariable, RabbitMQPeerDiscovery.NodeName(host))
                .WithEnvironment(RabbitMQPeerDiscovery.CookieVariable, cookie)
                .WithEnvironment(RabbitMQPeerDiscovery.ErlangArgumentsVariable, peerDiscovery)
                // The host name the node name carries, for the node itself; its peers reach it by its resource name.
                .WithContainerRuntimeArgs("--hostname", host)
                .WithParentRelationship(cluster);
            if (first is not null)
            {
                node.WaitFor(first);
            }

            first ??= node;
            cluster.Nodes.Add(new RabbitMQContainerNode(node.Resource));
            clusterBuilder.WaitFor(node);
        }

        return clusterBuilder;
    }
}
