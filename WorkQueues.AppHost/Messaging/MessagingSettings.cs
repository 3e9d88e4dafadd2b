using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost.Messaging;

/// <summary>The AppHost's <c>Messaging</c> configuration section.</summary>
public sealed record MessagingSettings
{
    public const string SectionName = "Messaging";

    public BrokerKind Broker { get; init; } = BrokerKind.Auto;

    /// <summary>AMQP port on localhost; 5672, as the tutorial's <c>docker run -p 5672:5672</c>.</summary>
    public int AmqpPort { get; init; } = 5672;

    /// <summary>Management UI port on localhost; 15672, as in the tutorial.</summary>
    public int ManagementPort { get; init; } = 15672;

    /// <summary>Erlang distribution port of the local broker; 0 picks a free one.</summary>
    public int DistributionPort { get; init; }

    /// <summary>The server to run on the local path; Debian's, run as the caller rather than through <c>su</c>.</summary>
    public string ServerPath { get; init; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>Where the local broker's per-run folders live.</summary>
    public string DataRoot { get; init; } = Path.Combine(Path.GetTempPath(), "workqueues");

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
        return settings with
        {
            // In the order Aspire reads them, so the runtime asked is the one Aspire will use.
            ContainerRuntime = NonEmpty(configuration["DcpPublisher:ContainerRuntime"])
                ?? NonEmpty(configuration["ASPIRE_CONTAINER_RUNTIME"])
                ?? NonEmpty(configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"])
                ?? NonEmpty(settings.ContainerRuntime)
                ?? "docker",
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
