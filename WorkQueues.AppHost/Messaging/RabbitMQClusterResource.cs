namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// A RabbitMQ cluster (local processes or containers, see <see cref="IRabbitMQNodeResource"/>; its children in the
/// dashboard), as one resource the services reference. Its connection string names the first node, as a single broker's would; the
/// services learn every node from <see cref="EndpointsExpression"/> (<c>Messaging:Endpoints</c>) and move to another
/// when theirs goes.
/// </summary>
public sealed class RabbitMQClusterResource(string name, ParameterResource userName, ParameterResource password)
    : Resource(name), IResourceWithConnectionString, IResourceWithWaitSupport
{
    public List<IRabbitMQNodeResource> Nodes { get; } = [];

    public ParameterResource UserNameParameter { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserNameParameter:uri}:{PasswordParameter:uri}@{Nodes[0].AmqpEndpoint.Property(EndpointProperty.HostAndPort)}");

    /// <summary>Every node's AMQP <c>host:port</c>, comma-separated.</summary>
    public ReferenceExpression EndpointsExpression
    {
        get
        {
            var expression = new ReferenceExpressionBuilder();
            for (var i = 0; i < Nodes.Count; i++)
            {
                if (i > 0)
                {
                    expression.AppendLiteral(",");
                }

                expression.Append($"{Nodes[i].AmqpEndpoint.Property(EndpointProperty.HostAndPort)}");
            }

            return expression.Build();
        }
    }
}
