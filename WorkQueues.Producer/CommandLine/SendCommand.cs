using Microsoft.Extensions.Options;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.CommandLine;

/// <summary>
/// The Producer's command-line mode, the tutorial's <c>new_task.py</c>: joins its arguments into one task
/// (<c>Hello World!</c> when none), publishes it with a confirm, prints <c> [x] Sent …</c> and exits.
/// <c>--delay SECONDS</c> or <c>--not-before TIME</c> schedule it, <c>--timeout SECONDS</c> limits each attempt.
/// </summary>
internal sealed class SendCommand
{
    public const string DefaultTask = "Hello World!";
    private const string BrokerOption = "--broker";
    private const string DelayOption = "--delay";
    private const string NotBeforeOption = "--not-before";
    private const string TimeoutOption = "--timeout";
    private static readonly string[] Options = [BrokerOption, DelayOption, NotBeforeOption, TimeoutOption];

    private SendCommand(string task, IReadOnlyDictionary<string, string> options) => (Task, _options) = (task, options);

    private readonly IReadOnlyDictionary<string, string> _options;

    public string Task { get; }

    public string? Broker => _options.GetValueOrDefault(BrokerOption);

    public string? Delay => _options.GetValueOrDefault(DelayOption);

    public string? NotBefore => _options.GetValueOrDefault(NotBeforeOption);

    public string? Timeout => _options.GetValueOrDefault(TimeoutOption);

    /// <summary>
    /// Command-line mode starts when the first argument is task text or one of its options (<c>--broker</c>,
    /// <c>--delay</c>, <c>--not-before</c>, <c>--timeout</c>); options such as <c>--urls</c> keep the web server.
    /// </summary>
    public static bool TryParse(string[] args, out SendCommand command)
    {
        command = null!;
        if (args.Length == 0 || (args[0].StartsWith('-') && !Options.Contains(args[0])))
        {
            return false;
        }

        var options = new Dictionary<string, string>();
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (Options.Contains(args[i]) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                words.Add(args[i]);
            }
        }

        command = new SendCommand(words.Count > 0 ? string.Join(' ', words) : DefaultTask, options);
        return true;
    }

    public async Task<int> RunAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // A command fails in seconds rather than retrying for half a minute.
            ["Aspire:RabbitMQ:Client:MaxConnectRetryCount"] = "1",
        });
        if (Broker is not null)
        {
            builder.Configuration[$"ConnectionStrings:{BrokerClientExtensions.ConnectionName}"] = Broker;
        }

        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(BrokerClientExtensions.ConnectionName)))
        {
            return Fail("no broker: set ConnectionStrings__messaging or pass --broker amqp://user:password@host:5672");
        }

        builder.AddServiceDefaults();
        builder.AddTaskPublishing();

        try
        {
            using var host = builder.Build();
            await host.StartAsync();
            var validation = TaskText.Validate(Task, host.Services.GetRequiredService<IOptions<TaskOptions>>().Value);
            if (!validation.IsValid)
            {
                return Fail(validation.Error);
            }

            // Read once connected, so a delay counts from the publish, not from the start of the command.
            if (!TaskControls.TryParse(Delay, NotBefore, Timeout, DateTimeOffset.UtcNow, out var controls, out var invalid))
            {
                return Fail(invalid);
            }

            // The trace's root in command-line mode, where no HTTP request starts one.
            using (TaskTelemetry.Source.StartActivity("new_task", System.Diagnostics.ActivityKind.Internal))
            {
                var published = await host.Services.GetRequiredService<TaskPublisher>().PublishAsync(validation.Task.Value, controls, CancellationToken.None);
                Console.WriteLine(published.DueAt is { } due ? $" [x] Sent {Task} (due {due:O})" : $" [x] Sent {Task}");
            }

            await host.StopAsync();
            return 0;
        }
        catch (Exception ex) when (ex is TaskPublishException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or UriFormatException or OptionsValidationException)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
