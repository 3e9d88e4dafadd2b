using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// Every node of the broker, so a service connects to any node that is up and moves to a surviving one when its node
/// dies. The connection string names one node (Aspire's client takes one); the AppHost gives the rest in
/// <see cref="ConfigurationKey"/>: comma-separated <c>host:port</c>.
/// </summary>
public static class BrokerEndpoints
{
    public const string ConfigurationKey = "Messaging:Endpoints";

    /// <summary>The endpoints in <paramref name="list"/>; none when it is empty. Throws on an entry that is no <c>host:port</c>.</summary>
    public static IReadOnlyList<AmqpTcpEndpoint> Parse(string? list)
    {
        var endpoints = new List<AmqpTcpEndpoint>();
        foreach (var entry in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"{ConfigurationKey} entry '{entry}' is not host:port (such as 127.0.0.1:5672).");
            }

            endpoints.Add(new AmqpTcpEndpoint(entry[..colon].Trim('[', ']'), port));
        }

        return endpoints;
    }

    /// <summary>
    /// Automatic recovery on, quick enough that processing resumes within seconds of a node loss, and, given several
    /// <paramref name="endpoints"/>, each connection (and each recovery) tries them in random order until one answers.
    /// </summary>
    public static void Configure(ConnectionFactory factory, string? endpoints)
    {
        factory.AutomaticRecoveryEnabled = true;
        factory.TopologyRecoveryEnabled = true;
        factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(1);
        factory.RequestedConnectionTimeout = TimeSpan.FromSeconds(5);
        var nodes = Parse(endpoints);
        if (nodes.Count > 0)
        {
            factory.EndpointResolverFactory = _ => new DefaultEndpointResolver(nodes);
        }
    }
}
