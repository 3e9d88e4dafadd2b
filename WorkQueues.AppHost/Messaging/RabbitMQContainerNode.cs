namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// A RabbitMQ container, made by Aspire's own <c>AddRabbitMQ</c>, seen as a node of a cluster: the same resource
/// (name, annotations, connection string), so health checks and references treat it as what it is.
/// </summary>
public sealed class RabbitMQContainerNode(RabbitMQServerResource server) : IRabbitMQNodeResource
{
    public RabbitMQServerResource Server { get; } = server;

    public string Name => Server.Name;

    public ResourceAnnotationCollection Annotations => Server.Annotations;

    public ReferenceExpression ConnectionStringExpression => Server.ConnectionStringExpression;

    public EndpointReference AmqpEndpoint => Server.PrimaryEndpoint;

    public EndpointReference ManagementEndpoint => Server.ManagementEndpoint;
}
