namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Where one local broker node lives: its folder and ports and, in a cluster, the peers it joins and the cookie they
/// share (<see cref="LocalRabbitMQClusterBuilderExtensions"/>).
/// </summary>
internal sealed record LocalRabbitMQNode(
    LocalRabbitMQDataFolder Folder,
    int AmqpPort,
    int ManagementPort,
    IReadOnlyList<string>? ClusterSettings = null,
    string? Cookie = null,
    int Index = 1)
{
    /// <summary>Messaging:DistributionPort is the first node's; the others' Aspire allocates.</summary>
    public int? DistributionPort(MessagingSettings settings) =>
        settings.DistributionPort != 0 && Index == 1 ? settings.DistributionPort : null;
}
