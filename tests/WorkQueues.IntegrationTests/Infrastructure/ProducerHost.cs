using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using WorkQueues.Producer;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The Producer hosted in the test process on Kestrel (a real port on loopback, the real HTTP pipeline) against a real
/// broker, in the environment and with the settings a test gives: Production with both API keys unless told otherwise.
/// </summary>
public sealed class ProducerHost : WebApplicationFactory<ProducerOptions>
{
    public const string ApiKey = "task-key-for-the-tests-0123456789";
    public const string AdminApiKey = "admin-key-for-the-tests-0123456789";

    private readonly string _environment;
    private readonly Dictionary<string, string?> _settings;

    public ProducerHost(StandaloneBroker broker, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Production", bool withKeys = true)
    {
        _environment = environment;
        _settings = new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = broker.ConnectionString };
        if (withKeys)
        {
            _settings["Producer:ApiKey"] = ApiKey;
            _settings["Producer:AdminApiKey"] = AdminApiKey;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(options => options.Listen(IPAddress.Loopback, Port));
    }

    public int Port { get; } = FreePorts.Next();

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client of the real port, sending <paramref name="apiKey"/> in X-Api-Key when given.</summary>
    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        // Host settings, which reach the Producer's configuration before it registers its services (the broker client
        // reads its connection string then); app configuration added here would come only after.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
