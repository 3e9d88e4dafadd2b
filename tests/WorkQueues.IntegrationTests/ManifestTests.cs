using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>The publish manifest azd deploys from, made once as a user would, with no container runtime and no broker.</summary>
public class PublishedManifest : IAsyncLifetime
{
    /// <summary>The AppHost settings, as environment variables, beyond those every manifest is made with.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    private readonly string _output = Path.Combine(Path.GetTempPath(), $"workqueues-manifest-{Guid.NewGuid():N}");

    public JsonElement Resources { get; private set; }

    public async Task InitializeAsync()
    {
        var configuration = typeof(PublishedManifest).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var project = Projects.WorkQueues_AppHost.ProjectPath;
        var manifest = Path.Combine(_output, "aspire-manifest.json");
        var start = new ProcessStartInfo("dotnet", ["run", "--no-build", "-c", configuration, "--project", project, "--", "--publisher", "manifest", "--output-path", manifest])
        {
            // A machine with no broker installed must publish too: point the local path at nothing.
            Environment = { ["Messaging__ServerPath"] = "/nonexistent/rabbitmq-server", ["Messaging__Broker"] = "auto" },
        };

        foreach (var (name, value) in Settings)
        {
            start.Environment[name] = value;
        }

        await ProgramRun.OutputOfAsync(start, TimeSpan.FromMinutes(2));

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        Resources = document.RootElement.GetProperty("resources").Clone();
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }

        return Task.CompletedTask;
    }
}

public sealed class ManifestTests(PublishedManifest manifest) : IClassFixture<PublishedManifest>
{
    private readonly JsonElement _resources = manifest.Resources;

    [Fact]
    public void The_broker_is_the_rabbitmq_management_container_with_a_data_volume()
    {
        var messaging = _resources.GetProperty("messaging");

        Assert.Equal("container.v0", messaging.GetProperty("type").GetString());
        Assert.Contains("rabbitmq", messaging.GetProperty("image").GetString());
        Assert.EndsWith("management", messaging.GetProperty("image").GetString());
        Assert.Equal("/var/lib/rabbitmq", Assert.Single(messaging.GetProperty("volumes").EnumerateArray()).GetProperty("target").GetString());
        Assert.Equal(5672, messaging.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());
        Assert.Equal(15672, messaging.GetProperty("bindings").GetProperty("management").GetProperty("targetPort").GetInt32());
        Assert.Equal("{messaging-password.value}", messaging.GetProperty("env").GetProperty("RABBITMQ_DEFAULT_PASS").GetString());
    }

    [Fact]
    public void The_credentials_are_parameters_and_the_password_is_a_generated_secret()
    {
        var password = _resources.GetProperty("messaging-password").GetProperty("inputs").GetProperty("value");

        Assert.True(password.GetProperty("secret").GetBoolean());
        Assert.True(password.GetProperty("default").TryGetProperty("generate", out _));
        Assert.Equal("parameter.v0", _resources.GetProperty("messaging-username").GetProperty("type").GetString());
    }

    [Fact]
    public void The_services_are_wired_to_the_broker_by_reference_and_the_producer_is_public()
    {
        foreach (var service in new[] { "producer", "worker" })
        {
            var resource = _resources.GetProperty(service);
            Assert.Equal("project.v0", resource.GetProperty("type").GetString());
            Assert.Equal("{messaging.connectionString}", resource.GetProperty("env").GetProperty("ConnectionStrings__messaging").GetString());
            // The build-output launch is for a local run only: no runtime path of this machine goes into a deployment.
            Assert.False(resource.GetProperty("env").TryGetProperty("DOTNET_ROOT", out _));
        }

        Assert.True(_resources.GetProperty("producer").GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.False(_resources.GetProperty("worker").GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _));
    }

    [Theory]
    [InlineData("producer-api-key", "Producer__ApiKey")]
    [InlineData("producer-admin-key", "Producer__AdminApiKey")]
    public void The_producer_keys_are_generated_secret_parameters_passed_by_reference(string parameter, string variable)
    {
        var value = _resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");

        Assert.Equal("parameter.v0", _resources.GetProperty(parameter).GetProperty("type").GetString());
        Assert.True(value.GetProperty("secret").GetBoolean());
        Assert.True(value.GetProperty("default").TryGetProperty("generate", out _));
        Assert.Equal($"{{{parameter}.value}}", _resources.GetProperty("producer").GetProperty("env").GetProperty(variable).GetString());
    }

    [Fact]
    public void No_secret_value_is_written_into_the_manifest()
    {
        var text = _resources.GetRawText();

        Assert.DoesNotContain("amqp://workqueues:", text);
        Assert.DoesNotMatch("RABBITMQ_DEFAULT_PASS\":\\s*\"[^{]", text);
    }
}
