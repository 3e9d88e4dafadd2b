namespace WorkQueues.AppHost.Messaging;

public static class ContainerRabbitMQBuilderExtensions
{
    /// <summary>
    /// Runs RabbitMQ as a container with the management plugin and a data volume: Aspire's own image, or the one
    /// <c>Messaging:ContainerImage</c> names (a mirror, or an image built without any registry).
    /// </summary>
    public static IResourceBuilder<RabbitMQServerResource> AddContainerRabbitMQ(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> userName,
        IResourceBuilder<ParameterResource> password,
        MessagingSettings settings)
    {
        // The management plugin first: it accepts only Aspire's own image, whose tag it turns into '-management'.
        var broker = builder.AddRabbitMQ(name, userName, password, settings.AmqpPort)
            .WithManagementPlugin(settings.ManagementPort)
            .WithDataVolume();

        return string.IsNullOrWhiteSpace(settings.ContainerImage)
            ? broker
            : broker.WithImageReference(ContainerImageReference.Parse(settings.ContainerImage));
    }

    private static IResourceBuilder<RabbitMQServerResource> WithImageReference(
        this IResourceBuilder<RabbitMQServerResource> broker, ContainerImageReference image)
    {
        // No registry named: the runtime's own default, as 'docker run rabbitmq' would do.
        broker.WithImageRegistry(image.Registry).WithImage(image.Image);
        return image.Sha256 is null ? broker.WithImageTag(image.Tag!) : broker.WithImageSHA256(image.Sha256);
    }
}
