using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public class ContainerImageReferenceTests
{
    [Theory]
    [InlineData("localhost/rabbitmq-local:3.10", "localhost", "rabbitmq-local", "3.10")]
    [InlineData("mirror.example.com:5000/library/rabbitmq:4.1-management", "mirror.example.com:5000", "library/rabbitmq", "4.1-management")]
    [InlineData("localhost:5000/rabbitmq", "localhost:5000", "rabbitmq", "latest")]
    [InlineData("registry.corp/rabbitmq", "registry.corp", "rabbitmq", "latest")]
    [InlineData("rabbitmq:4.1-management", null, "rabbitmq", "4.1-management")]
    [InlineData("myorg/rabbitmq:4", null, "myorg/rabbitmq", "4")]
    [InlineData("rabbitmq", null, "rabbitmq", "latest")]
    public void Registry_image_and_tag_are_read_as_docker_reads_them(string reference, string? registry, string image, string tag)
    {
        var parsed = ContainerImageReference.Parse(reference);

        Assert.Equal(new ContainerImageReference(registry, image, tag, null), parsed);
    }

    [Fact]
    public void A_digest_pins_the_image_instead_of_a_tag()
    {
        var digest = new string('a', 64);

        var parsed = ContainerImageReference.Parse($"mirror.example.com/rabbitmq@sha256:{digest}");

        Assert.Equal(new ContainerImageReference("mirror.example.com", "rabbitmq", null, digest), parsed);
    }

    [Theory]
    [InlineData("localhost/rabbitmq-local:3.10")]
    [InlineData("mirror.example.com:5000/library/rabbitmq:4.1-management")]
    [InlineData("rabbitmq:4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_reference_reads_back_as_given(string reference) =>
        Assert.Equal(reference, ContainerImageReference.Parse(reference).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("localhost/")]
    [InlineData("rabbitmq:")]
    [InlineData("RabbitMQ:4")]
    [InlineData("rabbit mq:4")]
    [InlineData("rabbitmq@sha256:short")]
    public void Anything_else_fails_naming_the_setting(string reference)
    {
        var error = Assert.Throws<FormatException>(() => ContainerImageReference.Parse(reference));

        Assert.Contains("Messaging:ContainerImage", error.Message);
    }
}
