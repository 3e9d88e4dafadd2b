using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class ContainerRabbitMQBuilderExtensionsTests
{
    private static ContainerImageAnnotation ImageOf(MessagingSettings settings)
    {
        var builder = DistributedApplication.CreateBuilder();
        var broker = builder.AddContainerRabbitMQ(
            "messaging", builder.AddParameter("user", "workqueues"), builder.AddParameter("password", "secret", secret: true), settings);
        return Assert.Single(broker.Resource.Annotations.OfType<ContainerImageAnnotation>());
    }

    [Fact]
    public void Without_a_setting_the_image_is_aspires_rabbitmq_with_the_management_plugin()
    {
        var image = ImageOf(new MessagingSettings());

        Assert.Equal("docker.io", image.Registry);
        Assert.Equal("library/rabbitmq", image.Image);
        Assert.EndsWith("-management", image.Tag);
    }

    [Fact]
    public void The_configured_image_replaces_it_whole()
    {
        var image = ImageOf(new MessagingSettings { ContainerImage = "localhost/rabbitmq-local:3.10" });

        Assert.Equal(("localhost", "rabbitmq-local", "3.10"), (image.Registry, image.Image, image.Tag));
    }

    [Fact]
    public void A_configured_digest_pins_the_image()
    {
        var digest = new string('b', 64);

        var image = ImageOf(new MessagingSettings { ContainerImage = $"mirror.example.com:5000/rabbitmq@sha256:{digest}" });

        Assert.Equal(("mirror.example.com:5000", "rabbitmq", digest), (image.Registry, image.Image, image.SHA256));
    }

    [Fact]
    public void The_data_volume_is_mounted_where_rabbitmq_keeps_its_data()
    {
        var builder = DistributedApplication.CreateBuilder();
        var broker = builder.AddContainerRabbitMQ(
            "messaging", builder.AddParameter("user", "workqueues"), builder.AddParameter("password", "secret", secret: true), new MessagingSettings());

        var volume = Assert.Single(broker.Resource.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "/var/lib/rabbitmq"), (volume.Type, volume.Target));
    }
}
