namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// How the nodes of a container cluster find each other, as environment variables the RabbitMQ server itself reads (so
/// they show in the publish manifest and work with any image): a node name per node on the container network, the
/// shared Erlang cookie, and RabbitMQ's classic config peer discovery (<c>cluster_nodes</c>, the list that
/// <c>cluster_formation.classic_config.nodes.N</c> sets in rabbitmq.conf).
/// </summary>
public static class RabbitMQPeerDiscovery
{
    public const string NodeNameVariable = "RABBITMQ_NODENAME";
    public const string CookieVariable = "RABBITMQ_ERLANG_COOKIE";
    public const string ErlangArgumentsVariable = "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS";

    /// <summary>The node name of the container that the other nodes reach by <paramref name="host"/> (its resource name).</summary>
    public static string NodeName(string host) => $"rabbit@{host}";

    /// <summary>
    /// Erlang flags that give every node the same peer list and, as on the local path, <c>pause_minority</c>: a node
    /// that lost its peers pauses rather than taking writes a majority never saw. No spaces inside a term: the server's
    /// start script splits the variable on spaces.
    /// </summary>
    public static string ErlangArguments(IEnumerable<string> nodeNames) =>
        $"-rabbit cluster_nodes {{[{string.Join(",", nodeNames.Select(node => $"'{node}'"))}],disc}} " +
        "-rabbit cluster_partition_handling pause_minority";
}
