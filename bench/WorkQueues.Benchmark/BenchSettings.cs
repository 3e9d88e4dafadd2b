namespace WorkQueues.Benchmark;

/// <summary>What one benchmark run does: sizes of every measurement, and the broker to use.</summary>
public sealed record BenchSettings
{
    /// <summary>The Worker replicas of the drain and fair-dispatch runs: the AppHost's default.</summary>
    public const int Workers = 2;

    /// <summary>
    /// Confirms outstanding in the baseline publisher, and the Producer's Producer:MaxPublishesInFlight in the same
    /// run, so both publish with the same window. Defaults to the Producer's own default.
    /// </summary>
    public int ConfirmWindow { get; init; } = 4_096;

    /// <summary>Concurrent keep-alive clients of the single-POST ingest run.</summary>
    public const int HttpClients = 64;

    /// <summary>Tasks per request of the batch ingest run, and batch requests in flight.</summary>
    public const int BatchSize = 1_000;
    public const int BatchClients = 4;

    public bool Smoke { get; init; }

    /// <summary>
    /// The ingest baseline's tasks carry a trace context header (<c>traceparent</c>), as the Producer's do with tracing
    /// on: what that header costs the broker, apart from what the Producer costs.
    /// </summary>
    public bool TracedBaseline { get; init; }

    /// <summary>
    /// The drain's tasks (the baseline consumers' and the Workers' alike) carry a trace context header, as the
    /// Producer's do with tracing on: the drain as deployed. Without it they carry no header, as from a client that
    /// does not trace (<c>new_task.py</c>), which the raw consumer reads fastest.
    /// </summary>
    public bool TracedFills { get; init; }

    /// <summary>
    /// The ingest baseline tracks its confirms from the broker's acks, as the services do (<c>PublisherConfirms</c>),
    /// instead of with RabbitMQ.Client's tracking, whose header on each message the broker pays for: the raw client at
    /// its cheapest, the Producer's publish path without HTTP.
    /// </summary>
    public bool UntrackedBaseline { get; init; }

    /// <summary>
    /// The build of the services measured: the published one (what users deploy) unless said otherwise; a smoke run
    /// uses the Release build, so CI spends no minutes on Native AOT compilation.
    /// </summary>
    public ServiceForm Form { get; init; } = ServiceForm.Published;

    /// <summary>Settings given to every service started (experiments: a log level, a GC knob), on top of the bench's own.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The parts to run (ingest, drain, fair, coldstart; each with its own baseline); all when empty, but for a smoke
    /// run's cold start, which would start a whole AppHost on the user's fixed ports (CI only checks the bench runs).
    /// </summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string part) => Only.Count == 0 ? !(Smoke && part == ColdStartPart) : Only.Contains(part);

    public const string ColdStartPart = "coldstart";

    /// <summary>The cluster part starts brokers of its own (a minute or more), so --smoke leaves it out unless named.</summary>
    public bool RunsCluster => Only.Contains(ClusterBenchmark.Part) || (Only.Count == 0 && !Smoke);

    /// <summary>An AMQP URI of a broker to use instead of starting one. Its <c>task_queue</c> is purged.</summary>
    public string? BrokerUri { get; init; }

    /// <summary>
    /// Repeats of each measurement; the median is reported. Enough that two runs of the same code agree within ±0.05
    /// on each target's median (docs/benchmarks.md).
    /// </summary>
    public int Rounds { get; init; } = DefaultRounds;

    public const int DefaultRounds = 5;

    public int PublishCount { get; init; } = 50_000;
    public int ConsumeCount { get; init; } = 80_000;
    public int BatchIngestCount { get; init; } = 50_000;
    public int SingleIngestCount { get; init; } = 20_000;
    public int DrainCount { get; init; } = 80_000;

    /// <summary>Tasks of one warm-up load, and how long a Worker run warms up before it is timed.</summary>
    public int WarmUpCount { get; init; } = 10_000;
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One dot of the fair-dispatch tasks: shorter than the tutorial's second so the run takes seconds.</summary>
    public TimeSpan FairDispatchDot { get; init; } = TimeSpan.FromMilliseconds(200);

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var settings = new BenchSettings { BrokerUri = Environment.GetEnvironmentVariable("WORKQUEUES_BENCH_BROKER") };
        ServiceForm? form = null;
        var environment = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    settings = settings with
                    {
                        Smoke = true,
                        Rounds = 1,
                        PublishCount = 2_000,
                        ConsumeCount = 2_000,
                        BatchIngestCount = 2_000,
                        SingleIngestCount = 1_000,
                        DrainCount = 2_000,
                        WarmUpCount = 500,
                        WarmUp = TimeSpan.Zero,
                        FairDispatchDot = TimeSpan.FromMilliseconds(20),
                    };
                    break;
                case "--traced-baseline":
                    settings = settings with { TracedBaseline = true };
                    break;
                case "--traced-fills":
                    settings = settings with { TracedFills = true };
                    break;
                case "--untracked-baseline":
                    settings = settings with { UntrackedBaseline = true };
                    break;
                case "--broker" when i + 1 < args.Count:
                    settings = settings with { BrokerUri = args[++i] };
                    break;
                case "--rounds" when i + 1 < args.Count && int.TryParse(args[i + 1], out var rounds) && rounds > 0:
                    settings = settings with { Rounds = rounds };
                    i++;
                    break;
                case "--only" when i + 1 < args.Count && args[i + 1].Split(',') is var parts && parts.All(Parts.Contains):
                    settings = settings with { Only = parts.ToHashSet() };
                    i++;
                    break;
                case "--form" when i + 1 < args.Count && Enum.TryParse<ServiceForm>(args[i + 1], ignoreCase: true, out var chosen) && !int.TryParse(args[i + 1], out _):
                    form = chosen;
                    i++;
                    break;
                case "--env" when i + 1 < args.Count && args[i + 1].Split('=', 2) is [{ Length: > 0 } key, var value]:
                    environment[key] = value;
                    i++;
                    break;
                case "--window" when i + 1 < args.Count && int.TryParse(args[i + 1], out var window) && window > 0:
                    settings = settings with { ConfirmWindow = window };
                    i++;
                    break;
                case "-h" or "--help":
                    throw new UsageException();
                default:
                    throw new UsageException($"Unknown or incomplete argument '{args[i]}'.\n{Usage}");
            }
        }

        return settings with
        {
            Form = form ?? (settings.Smoke ? ServiceForm.Build : ServiceForm.Published),
            ServiceEnvironment = environment,
        };
    }

    private static readonly string[] Parts = ["ingest", "drain", "fair", ColdStartPart, ClusterBenchmark.Part];

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/WorkQueues.Benchmark -- [--smoke] [--form published|build] [--rounds N]
                   [--only PARTS] [--window N] [--traced-baseline] [--traced-fills] [--untracked-baseline]
                   [--env KEY=VALUE]... [--broker amqp://user:pass@host:port]

          --smoke    a few seconds, small counts, one round: checks the benchmark still runs (CI); figures mean little
          --form     published: the services as `dotnet publish -c Release` makes them (Native AOT), published by the
                     bench first (the default); build: the Release build run by `dotnet`, with the JIT (the default
                     with --smoke)
          --rounds   repeats of each measurement (default 5); each is taken between two runs of its baseline, and
                     the median, lowest and highest of the rounds are reported
          --only     some of ingest,drain,fair,coldstart,cluster (comma-separated); each part measures its own
                     baseline; coldstart runs `dotnet run --project WorkQueues.AppHost` on its own ports (15888, 19888,
                     5080), which must be free; cluster: quorum queues on 1 and 3 local nodes; a smoke run leaves both
                     out unless named here
          --env      a setting for every service the bench starts, e.g. --env Worker__DoneLog=Summary (repeatable)
          --window   confirms outstanding, for the baseline publisher and the Producer alike (default 4096, the
                     Producer's own default)
          --traced-baseline
                     the ingest baseline's tasks carry a traceparent header, as the Producer's do with tracing on
                     (what the header costs the broker)
          --traced-fills
                     the drain part's tasks carry a traceparent header, for the baseline consumers and the Workers
                     alike, as the Producer's do with tracing on (the drain as deployed); without it they carry none
                     (the cluster part's drain is left as it is)
          --untracked-baseline
                     the ingest baseline tracks its confirms from the broker's acks, as the services do, instead of
                     with RabbitMQ.Client's tracking, which puts an x-dotnet-pub-seq-no header on each message
          --broker   use this broker instead of starting a local rabbitmq-server (also WORKQUEUES_BENCH_BROKER);
                     its task_queue is purged between measurements, so never point it at a broker in use
        """;
}

public sealed class UsageException(string? message = null) : Exception(message ?? BenchSettings.Usage);
