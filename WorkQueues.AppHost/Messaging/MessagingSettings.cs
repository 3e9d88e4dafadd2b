using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost.Messaging;

/// <summary>The AppHost's <c>Messaging</c> configuration section.</summary>
public sealed record MessagingSettings
{
    public const string SectionName = "Messaging";

    public BrokerKind Broker { get; init; } = BrokerKind.Auto;

    /// <summary>The most nodes a local cluster may have: more buys nothing on one machine but start-up time.</summary>
    public const int MaxNodes = 7;

    /// <summary>
    /// RabbitMQ nodes on the local path: 1, or an odd number up to <see cref="MaxNodes"/> joined into one cluster
    /// (odd, so a majority survives the loss of any minority). Node i listens on <see cref="AmqpPort"/> + i - 1 and
    /// <see cref="ManagementPort"/> + i - 1.
    /// </summary>
    public int Nodes { get; init; } = 1;

    public bool IsCluster => Nodes > 1;

    /// <summary>The local broker's default <see cref="BindAddress"/>: this machine only.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>AMQP port on localhost; 5672, as the tutorial's <c>docker run -p 5672:5672</c>.</summary>
    public int AmqpPort { get; init; } = 5672;

    /// <summary>Management UI port on localhost; 15672, as in the tutorial.</summary>
    public int ManagementPort { get; init; } = 15672;

    /// <summary>Erlang distribution port of the local broker; 0 picks a free one.</summary>
    public int DistributionPort { get; init; }

    /// <summary>The server to run on the local path; Debian's, run as the caller rather than through <c>su</c>.</summary>
    public string ServerPath { get; init; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>
    /// Where the local broker keeps its data, one folder per AMQP port, across AppHost runs:
    /// <c>$XDG_DATA_HOME/workqueues</c>, else <c>~/.local/share/workqueues</c>.
    /// </summary>
    public string DataRoot { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "workqueues");

    /// <summary>
    /// The address the local broker's AMQP and management listeners bind to: loopback unless set (e.g. 0.0.0.0 for
    /// the LAN). Erlang distribution and epmd stay on loopback whatever it says.
    /// </summary>
    public string BindAddress { get; init; } = Loopback;

    /// <summary>
    /// The port of the Erlang port mapper (epmd) the local broker registers with: Erlang's own setting
    /// (<c>ERL_EPMD_PORT</c>, else 4369) unless given.
    /// </summary>
    public int? EpmdPort { get; init; }

    /// <summary>
    /// The broker image on the container path, in full (<c>registry/image:tag</c>), for a mirror or a locally built
    /// image; unset, Aspire's own <c>rabbitmq:*-management</c> from Docker Hub.
    /// </summary>
    public string? ContainerImage { get; init; }

    /// <summary>
    /// The container runtime to ask on the auto path: Aspire's own setting (<c>ASPIRE_CONTAINER_RUNTIME</c>) when
    /// given, else this one, else <c>docker</c>.
    /// </summary>
    public string? ContainerRuntime { get; init; }

    public static MessagingSettings From(IConfiguration configuration)
    {
        var settings = configuration.GetSection(SectionName).Get<MessagingSettings>() ?? new MessagingSettings();
        if (ClusterSizeError(settings.Nodes) is { } error)
        {
            throw new BrokerUnavailableException(error);
        }

        return settings with
        {
            // In the order Aspire reads them, so the runtime asked is the one Aspire will use.
            ContainerRuntime = NonEmpty(configuration["DcpPublisher:ContainerRuntime"])
                ?? NonEmpty(configuration["ASPIRE_CONTAINER_RUNTIME"])
                ?? NonEmpty(configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"])
                ?? NonEmpty(settings.ContainerRuntime)
                ?? "docker",
            EpmdPort = settings.EpmdPort ?? (int.TryParse(configuration["ERL_EPMD_PORT"], out var epmdPort) ? epmdPort : 4369),
        };
    }

    /// <summary>Why <paramref name="nodes"/> is no cluster size, or null when it is one.</summary>
    public static string? ClusterSizeError(int nodes) => nodes switch
    {
        < 1 => $"Messaging:Nodes is {nodes}; it must be at least 1.",
        > MaxNodes => $"Messaging:Nodes is {nodes}; at most {MaxNodes} nodes run on one machine.",
        _ when nodes % 2 == 0 => $"Messaging:Nodes is {nodes}; use an odd number (1, 3, 5...): with an even one a network split can leave no majority, and quorum queues stop.",
        _ => null,
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
