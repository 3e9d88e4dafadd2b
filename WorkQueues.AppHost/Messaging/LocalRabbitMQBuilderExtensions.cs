using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WorkQueues.AppHost.Messaging;

public static class LocalRabbitMQBuilderExtensions
{
    private const string WrapperScript = "Messaging/rabbitmq-local.sh";

    /// <summary>Runs the locally installed RabbitMQ server, with the management plugin, as the broker resource.</summary>
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        var folder = LocalRabbitMQRunFolder.Create(settings.DataRoot, settings.AmqpPort);
        var wrapper = Path.Combine(AppContext.BaseDirectory, WrapperScript);
        var broker = new LocalRabbitMQResource(name, "/bin/sh", folder, userName.Resource, password.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, async (_, cancellationToken) =>
            await folder.WriteConfigurationAsync(
                await userName.Resource.GetValueAsync(cancellationToken) ?? string.Empty,
                await password.Resource.GetValueAsync(cancellationToken) ?? string.Empty,
                settings.ManagementPort,
                cancellationToken));

        builder.Eventing.Subscribe<ResourceReadyEvent>(broker, (ready, _) =>
        {
            // The tutorial's way to look inside the broker, spelled out for this node.
            ready.Services.GetRequiredService<ResourceLoggerService>().GetLogger(broker).LogInformation(
                "rabbitmqctl for this broker: HOME={Home} /usr/lib/rabbitmq/bin/rabbitmqctl -n {Node} list_queues name messages_ready messages_unacknowledged (or ./rabbitmqctl … from the repository)",
                folder.Path, folder.NodeName);
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_amqp";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, new BrokerConnectionHealthCheck(broker));
        builder.Services.AddHostedService(services => new LocalRabbitMQStopMarker(
            folder, services.GetRequiredService<IHostApplicationLifetime>()));

        var distributionPort = settings.DistributionPort != 0 ? settings.DistributionPort : FindFreePort();

        return builder.AddResource(broker)
            .WithArgs(wrapper, folder.Path, settings.ServerPath)
            // Not proxied: the broker itself listens on the well-known ports, as a tutorial client expects.
            .WithEndpoint(LocalRabbitMQResource.AmqpEndpointName, endpoint =>
            {
                endpoint.Port = settings.AmqpPort;
                endpoint.UriScheme = "amqp";
                endpoint.IsProxied = false;
            })
            .WithHttpEndpoint(name: LocalRabbitMQResource.ManagementEndpointName, port: settings.ManagementPort, isProxied: false)
            .WithEndpoint(LocalRabbitMQResource.DistributionEndpointName, endpoint =>
            {
                // Erlang would take AMQP port + 20000, which overflows for high ports.
                endpoint.Port = distributionPort;
                endpoint.UriScheme = "tcp";
                endpoint.IsProxied = false;
                endpoint.IsExternal = false;
            })
            .WithEnvironment(context =>
            {
                foreach (var (key, value) in folder.ServerEnvironment(settings.AmqpPort, distributionPort))
                {
                    context.EnvironmentVariables[key] = value;
                }
            })
            .WithUrlForEndpoint(LocalRabbitMQResource.ManagementEndpointName, url => url.DisplayText = "Management UI")
            .WithUrlForEndpoint(LocalRabbitMQResource.DistributionEndpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithHealthCheck(healthCheckKey);
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
