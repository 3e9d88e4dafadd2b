namespace WorkQueues.AppHost.Messaging;

/// <summary>Where the <c>messaging</c> resource's RabbitMQ comes from (<c>Messaging:Broker</c>).</summary>
public enum BrokerKind
{
    /// <summary>A container when a container runtime answers, else the locally installed server.</summary>
    Auto,

    /// <summary>The RabbitMQ container image with the management plugin.</summary>
    Container,

    /// <summary>The locally installed <c>rabbitmq-server</c>, run by the AppHost.</summary>
    Local,

    /// <summary>A broker someone else runs, named by <c>ConnectionStrings:messaging</c>.</summary>
    External,
}
