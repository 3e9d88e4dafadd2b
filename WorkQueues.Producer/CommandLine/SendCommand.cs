using Microsoft.Extensions.Options;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.CommandLine;

/// <summary>
/// The Producer's command-line mode, the tutorial's <c>new_task.py</c>: joins its arguments into one task
/// (<c>Hello World!</c> when none), publishes it with a confirm, prints <c> [x] Sent …</c> and exits.
/// </summary>
internal sealed class SendCommand
{
    public const string DefaultTask = "Hello World!";
    private const string BrokerOption = "--broker";

    private SendCommand(string task, string? broker) => (Task, Broker) = (task, broker);

    public string Task { get; }

    public string? Broker { get; }

    /// <summary>
    /// Command-line mode starts when the first argument is task text or <c>--broker</c>; options such as
    /// <c>--urls</c> keep the web server.
    /// </summary>
    public static bool TryParse(string[] args, out SendCommand command)
    {
        command = null!;
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] != BrokerOption))
        {
            return false;
        }

        string? broker = null;
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == BrokerOption && i + 1 < args.Length)
            {
                broker = args[++i];
            }
            else
            {
                words.Add(args[i]);
            }
        }

        command = new SendCommand(words.Count > 0 ? string.Join(' ', words) : DefaultTask, broker);
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
            builder.Configuration["ConnectionStrings:messaging"] = Broker;
        }

        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString("messaging")))
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

            // The trace's root in command-line mode, where no HTTP request starts one.
            using (TaskTelemetry.Source.StartActivity("new_task", System.Diagnostics.ActivityKind.Internal))
            {
                await host.Services.GetRequiredService<TaskPublisher>().PublishAsync(validation.Task.Value, CancellationToken.None);
            }

            Console.WriteLine($" [x] Sent {Task}");
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
