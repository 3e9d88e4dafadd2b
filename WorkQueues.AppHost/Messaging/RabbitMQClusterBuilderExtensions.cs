using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WorkQueues.AppHost.Messaging;

/// <summary>What a cluster resource is on either path, local processes or containers: its dashboard state, start-up and health.</summary>
internal static class RabbitMQClusterBuilderExtensions
{
    /// <summary>
    /// The <c>messaging</c> resource of a cluster of <paramref name="nodeNames"/>. Once every node is up it checks that
    /// they formed one cluster (<see cref="ClusterMembership"/>) and makes <c>/</c> quorum-default
    /// (<see cref="ClusterVirtualHost"/>); only then is it Running, so the services start on a cluster that is whole.
    /// </summary>
    public static IResourceBuilder<RabbitMQClusterResource> AddRabbitMQClusterResource(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        IReadOnlyList<string> nodeNames)
    {
        var cluster = new RabbitMQClusterResource(name, userName.Resource, password.Resource);
        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "RabbitMQ cluster",
                State = KnownResourceStates.NotStarted,
                Properties = [new("nodes", nodeNames.Count)],
            })
            .OnInitializeResource(async (resource, initialize, cancellationToken) =>
            {
                await initialize.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Waiting });
                await initialize.Notifications.WaitForDependenciesAsync(resource, cancellationToken);
                var management = new Uri(resource.Nodes[0].ManagementEndpoint.Url);
                var user = (await userName.Resource.GetValueAsync(cancellationToken))!;
                var secret = (await password.Resource.GetValueAsync(cancellationToken))!;
                try
                {
                    await ClusterMembership.WaitForAllNodesAsync(management, user, secret, nodeNames, TimeSpan.FromSeconds(60), cancellationToken);
                }
                catch (BrokerUnavailableException ex)
                {
                    initialize.Logger.LogError("{Problem}", ex.Message);
                    await initialize.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart });
                    return;
                }

                await ClusterVirtualHost.EnsureQuorumDefaultAsync(management, user, secret, initialize.Logger, cancellationToken);
                await initialize.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running, StartTimeStamp = DateTime.UtcNow });
                initialize.Logger.LogInformation(
                    "Cluster of {Count} nodes: {Nodes}. ./rabbitmqctl list_queues name type leader members (from the repository) shows where each queue lives.",
                    nodeNames.Count, string.Join(", ", nodeNames));
            });

        var healthCheckKey = $"{name}_cluster";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new ClusterHealthCheck(cluster));
        return clusterBuilder.WithHealthCheck(healthCheckKey);
    }
}
