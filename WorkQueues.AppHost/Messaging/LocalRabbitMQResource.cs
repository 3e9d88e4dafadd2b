namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The locally installed RabbitMQ server, run by the AppHost as an executable with its own node name, ports and
/// data folder, which outlives the AppHost. It offers the same connection string as the container resource, so services cannot tell them apart.
/// </summary>
public sealed class LocalRabbitMQResource(
    string name, string command, LocalRabbitMQDataFolder folder, ParameterResource userName, ParameterResource password)
    : ExecutableResource(name, command, folder.Path), IRabbitMQNodeResource
{
    internal const string AmqpEndpointName = "tcp";
    internal const string ManagementEndpointName = "management";
    internal const string DistributionEndpointName = "dist";

    public LocalRabbitMQDataFolder Folder { get; } = folder;

    public ParameterResource UserNameParameter { get; } = userName;

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference AmqpEndpoint => field ??= new(this, AmqpEndpointName);

    public EndpointReference ManagementEndpoint => field ??= new(this, ManagementEndpointName);

    public EndpointReference DistributionEndpoint => field ??= new(this, DistributionEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserNameParameter:uri}:{PasswordParameter:uri}@{AmqpEndpoint.Property(EndpointProperty.HostAndPort)}");
}
