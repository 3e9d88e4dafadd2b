namespace WorkQueues.Benchmark;

/// <summary>
/// What the bench gives every Producer and Worker it starts, on any broker: the connection string the AppHost would
/// give, telemetry to the bench's sink, the keys a Production Producer needs, the rate limit lifted (the bench measures
/// publishing, not the limiter), and last the run's <c>--env</c> settings, which win.
/// </summary>
public sealed class ServiceEnvironment(BenchSettings settings, OtlpSink telemetry)
{
    private readonly string _adminKey = NewKey();

    /// <summary>The key the bench's <see cref="ProducerClient"/> sends.</summary>
    public string ApiKey { get; } = NewKey();

    /// <param name="broker">The AMQP URI of the broker (of one node of a cluster).</param>
    /// <param name="brokerSettings">What else that broker needs the services to know (a cluster's node list, its queue type).</param>
    public IReadOnlyDictionary<string, string> For(Uri broker, bool tracing, IReadOnlyDictionary<string, string>? brokerSettings = null)
    {
        var environment = new Dictionary<string, string>(telemetry.ExporterEnvironment(tracing))
        {
            ["ConnectionStrings__messaging"] = broker.ToString(),
            ["Producer__MaxPublishesInFlight"] = settings.ConfirmWindow.ToString(),
            ["Producer__ApiKey"] = ApiKey,
            ["Producer__AdminApiKey"] = _adminKey,
            ["Producer__RateLimit__PermitLimit"] = "10000000",
        };
        foreach (var (key, value) in (brokerSettings ?? new Dictionary<string, string>()).Concat(settings.ServiceEnvironment))
        {
            environment[key] = value;
        }

        return environment;
    }

    private static string NewKey() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
