namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// One node of a <see cref="RabbitMQClusterResource"/>: a local server process (<see cref="LocalRabbitMQResource"/>) or a
/// container (<see cref="RabbitMQContainerNode"/>). Its connection string names this node only.
/// </summary>
public interface IRabbitMQNodeResource : IResourceWithConnectionString
{
    EndpointReference AmqpEndpoint { get; }

    EndpointReference ManagementEndpoint { get; }
}
