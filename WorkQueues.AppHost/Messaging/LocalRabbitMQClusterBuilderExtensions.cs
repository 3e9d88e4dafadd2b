using System.Security.Cryptography;

namespace WorkQueues.AppHost.Messaging;

public static class LocalRabbitMQClusterBuilderExtensions
{
    /// <summary>
    /// Runs <see cref="MessagingSettings.Nodes"/> local RabbitMQ nodes (<c>{name}-1</c>…, each with its own name,
    /// ports and durable folder) that join one cluster by RabbitMQ's own peer discovery (<c>classic_config</c>) with one
    /// shared Erlang cookie. Once every node is up, the default vhost makes its queues quorum queues, replicated on
    /// every node (<see cref="ClusterVirtualHost"/>).
    /// </summary>
    public static IResourceBuilder<RabbitMQClusterResource> AddLocalRabbitMQCluster(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        LocalRabbitMQBuilderExtensions.EnsureBindAddressIsValid(settings);
        var folders = Enumerable.Range(1, settings.Nodes)
            .Select(index => LocalRabbitMQDataFolder.OpenClusterNode(settings.DataRoot, settings.AmqpPort, index))
            .ToList();
        // Kept with the data: the cookie a node already has (the cluster was made with it), else a new one.
        var cookie = folders.Select(folder => folder.ReadCookie()).FirstOrDefault(c => !string.IsNullOrEmpty(c))
            ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        IReadOnlyList<string> discovery =
        [
            "cluster_formation.peer_discovery_backend = classic_config",
            .. folders.Select((folder, i) => $"cluster_formation.classic_config.nodes.{i + 1} = {folder.NodeName}"),
            // A node that lost its peers pauses rather than taking writes a majority never saw.
            "cluster_partition_handling = pause_minority",
        ];

        var clusterBuilder = builder.AddRabbitMQClusterResource(name, userName, password, folders.Select(f => f.NodeName).ToList());
        var cluster = clusterBuilder.Resource;

        // On the first start the other nodes wait for the first: nodes booting side by side on a busy machine can each
        // miss the others and form clusters of their own. Once they have data they start together, since a restarted
        // node waits for the peers it last saw.
        var firstFormation = !folders.Any(folder => folder.HasDatabase);
        IResourceBuilder<LocalRabbitMQResource>? seed = null;
        for (var index = 1; index <= settings.Nodes; index++)
        {
            var folder = folders[index - 1];
            var node = builder.AddLocalRabbitMQNode($"{name}-{index}", userName, password, settings, new LocalRabbitMQNode(
                    folder, settings.AmqpPort + index - 1, settings.ManagementPort + index - 1, discovery, cookie, index))
                .WithParentRelationship(cluster);
            if (firstFormation && seed is not null)
            {
                node.WaitFor(seed);
            }

            seed ??= node;
            cluster.Nodes.Add(node.Resource);
            clusterBuilder.WaitFor(node);
        }

        return clusterBuilder;
    }
}
