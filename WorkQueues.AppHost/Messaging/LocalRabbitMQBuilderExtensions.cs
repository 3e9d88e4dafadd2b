using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WorkQueues.AppHost.Messaging;

public static class LocalRabbitMQBuilderExtensions
{
    /// <summary>
    /// Runs the locally installed RabbitMQ server, with the management plugin, as the broker resource, on a data
    /// folder that outlives the AppHost (see <see cref="LocalRabbitMQDataFolder"/>).
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        EnsureBindAddressIsValid(settings);
        var folder = LocalRabbitMQDataFolder.Open(settings.DataRoot, settings.AmqpPort);
        return builder.AddLocalRabbitMQNode(name, userName, password, settings, new LocalRabbitMQNode(folder, settings.AmqpPort, settings.ManagementPort));
    }

    internal static void EnsureBindAddressIsValid(MessagingSettings settings)
    {
        if (!IPAddress.TryParse(settings.BindAddress, out _))
        {
            throw new BrokerUnavailableException($"Messaging:BindAddress '{settings.BindAddress}' is not an IP address (such as 127.0.0.1 or 0.0.0.0).");
        }
    }

    /// <summary>One broker node on its folder and ports: the single broker, or one node of a cluster.</summary>
    internal static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQNode(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings,
        LocalRabbitMQNode node)
    {
        var epmdPort = settings.EpmdPort ?? 4369;
        var folder = node.Folder;
        var folderLock = LocalRabbitMQFolderLock.Acquire(folder);
        builder.Services.AddHostedService(_ => folderLock);

        // The lock is ours, so a node still running on the folder was left by an AppHost that was killed.
        var leftovers = LocalRabbitMQNodeProcess.StopLeftoversAsync(folder).GetAwaiter().GetResult();
        EnsurePortIsFree(node.AmqpPort);

        var broker = new LocalRabbitMQResource(name, settings.ServerPath, folder, userName.Resource, password.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, async (started, cancellationToken) =>
        {
            // "Delete broker data" may have emptied the folder since the last start.
            folder.EnsureCreated();
            await folder.WriteConfigurationAsync(
                await userName.Resource.GetValueAsync(cancellationToken) ?? string.Empty,
                await password.Resource.GetValueAsync(cancellationToken) ?? string.Empty,
                node.ManagementPort,
                settings.BindAddress,
                epmdPort,
                cancellationToken,
                node.ClusterSettings);
            if (node.Cookie is { } cookie)
            {
                await folder.WriteCookieAsync(cookie, cancellationToken);
            }

            if (leftovers.Count > 0)
            {
                started.Services.GetRequiredService<ResourceLoggerService>().GetLogger(broker).LogWarning(
                    "Stopped the broker node (process {Pids}) that a killed AppHost had left running on {Folder}.", string.Join(", ", leftovers), folder.Path);
                leftovers = [];
            }
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(broker, (ready, _) =>
        {
            // The tutorial's way to look inside the broker, spelled out for this node.
            ready.Services.GetRequiredService<ResourceLoggerService>().GetLogger(broker).LogInformation(
                "Data in {Folder}. rabbitmqctl for this broker: ./rabbitmqctl list_queues name messages_ready messages_unacknowledged (from the repository; it reads {NodeFile})",
                folder.Path, folder.NodeFile);
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_amqp";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new BrokerConnectionHealthCheck(broker));

        return builder.AddResource(broker)
            // Not proxied: the broker itself listens on the well-known ports, as a tutorial client expects.
            .WithEndpoint(LocalRabbitMQResource.AmqpEndpointName, endpoint =>
            {
                endpoint.Port = node.AmqpPort;
                endpoint.UriScheme = "amqp";
                endpoint.IsProxied = false;
            })
            .WithHttpEndpoint(name: LocalRabbitMQResource.ManagementEndpointName, port: node.ManagementPort, isProxied: false)
            .WithEndpoint(LocalRabbitMQResource.DistributionEndpointName, endpoint =>
            {
                // Erlang would take AMQP port + 20000, which overflows for high ports. Without a port given,
                // Aspire allocates a free one for this proxyless endpoint.
                endpoint.Port = node.DistributionPort(settings);
                endpoint.UriScheme = "tcp";
                endpoint.IsProxied = false;
                endpoint.IsExternal = false;
            })
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in folder.ServerEnvironment(node.AmqpPort, settings.BindAddress, epmdPort))
                {
                    context.EnvironmentVariables[key] = value;
                }

                context.EnvironmentVariables[LocalRabbitMQDataFolder.DistributionPortVariable] =
                    broker.DistributionEndpoint.Property(EndpointProperty.Port);
            })
            .WithUrlForEndpoint(LocalRabbitMQResource.ManagementEndpointName, url => url.DisplayText = "Management UI")
            .WithUrlForEndpoint(LocalRabbitMQResource.DistributionEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithHealthCheck(healthCheckKey)
            .WithDeleteDataCommand();
    }

    private static void EnsurePortIsFree(int port)
    {
        try
        {
            // As the broker binds: a port that only closing connections (TIME_WAIT) still hold is free.
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Any, port);
            listener.Server.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.ReuseAddress, true);
            listener.Start();
        }
        catch (System.Net.Sockets.SocketException)
        {
            throw new BrokerUnavailableException(
                $"Port {port} is already in use, perhaps by a RabbitMQ the system started (sudo systemctl disable --now rabbitmq-server). " +
                "Stop it, or give the AppHost another port with Messaging:AmqpPort (and Messaging:ManagementPort).");
        }
    }
}
