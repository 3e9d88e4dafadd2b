using Microsoft.Extensions.DependencyInjection;

namespace WorkQueues.AppHost.Messaging;

public static class MessagingBrokerExtensions
{
    /// <summary>
    /// Adds the RabbitMQ broker the services share, on the path <c>Messaging:Broker</c> chooses. Every path offers
    /// the same connection string, with the user and password taken from Aspire parameters.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMessagingBroker(this IDistributedApplicationBuilder builder, string name)
    {
        var settings = MessagingSettings.From(builder.Configuration);
        var kind = BrokerChoice.Resolve(
            settings.Broker,
            builder.ExecutionContext.IsPublishMode,
            runtime => ContainerRuntimeProbe.IsHealthy(runtime, TimeSpan.FromSeconds(10)),
            () => File.Exists(settings.ServerPath),
            settings);

        if (settings.IsCluster && kind == BrokerKind.External)
        {
            throw new BrokerUnavailableException(
                $"Messaging:Nodes is {settings.Nodes}, but Messaging:Broker is 'external': the AppHost runs no nodes there. " +
                "Leave Messaging:Nodes at 1 and give the services every node of your cluster in Messaging__Endpoints, and Tasks__QueueType=Quorum (docs/cluster.md, Deploying a cluster).");
        }

        if (kind == BrokerKind.External)
        {
            var external = builder.AddConnectionString(name);
            var healthCheckKey = $"{name}_amqp";
            builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new BrokerConnectionHealthCheck(external.Resource));
            return external.WithHealthCheck(healthCheckKey);
        }

        var userName = builder.AddParameter($"{name}-username", builder.Configuration[$"Parameters:{name}-username"] ?? "workqueues", publishValueAsDefault: true);
        // Letters and digits only: the password goes into an amqp:// URI and into rabbitmq.conf.
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);

        if (kind == BrokerKind.Local && settings.IsCluster)
        {
            var cluster = builder.AddLocalRabbitMQCluster(name, userName, password, settings);
            return cluster.WithQueueCommands(cluster.Resource.Nodes.Select(node => node.ManagementEndpoint).ToList(), userName.Resource, password.Resource);
        }

        if (kind == BrokerKind.Local)
        {
            var local = builder.AddLocalRabbitMQ(name, userName, password, settings);
            return local.WithQueueCommands([local.Resource.ManagementEndpoint], userName.Resource, password.Resource);
        }

        if (settings.IsCluster)
        {
            var containers = builder.AddContainerRabbitMQCluster(name, userName, password, settings);
            return containers.WithQueueCommands(containers.Resource.Nodes.Select(node => node.ManagementEndpoint).ToList(), userName.Resource, password.Resource);
        }

        var container = builder.AddContainerRabbitMQ(name, userName, password, settings);
        return container.WithQueueCommands([container.Resource.ManagementEndpoint], userName.Resource, password.Resource);
    }

    /// <summary>
    /// Gives a service the broker's connection string and waits for the broker; on a cluster also every node
    /// (<c>Messaging__Endpoints</c>, so the service can move to a surviving node) and quorum queues (<c>Tasks__QueueType</c>).
    /// </summary>
    public static IResourceBuilder<T> WithMessaging<T>(this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> messaging)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service.WithReference(messaging).WaitFor(messaging);
        if (messaging.Resource is RabbitMQClusterResource cluster)
        {
            service
                .WithEnvironment("Messaging__Endpoints", cluster.EndpointsExpression)
                .WithEnvironment("Tasks__QueueType", nameof(WorkQueues.Tasks.TaskQueueType.Quorum));
        }

        return service;
    }
}
