using System.Diagnostics;
using System.Text.RegularExpressions;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The local broker's code preload (<see cref="ErlangCodePreload"/>) run by the installed Erlang, as the node's
/// <c>erl</c> runs it, without booting RabbitMQ: so its syntax and what it loads are checked on every machine, whether
/// or not the AppHost's broker is the local one there.
/// </summary>
public sealed partial class ErlangCodePreloadTests : IDisposable
{
    private static readonly string ServerBin = Path.GetDirectoryName(new MessagingSettings().ServerPath)!;

    private readonly string _folder = Directory.CreateTempSubdirectory("workqueues-preload-").FullName;

    [Fact]
    public async Task Erl_starts_it_beside_its_own_arguments_and_it_loads_RabbitMQ_and_the_enabled_plugins()
    {
        var plugins = Path.Combine(_folder, "enabled_plugins");
        await File.WriteAllTextAsync(plugins, "[rabbitmq_management].\n");
        var server = Directory.GetDirectories(Path.Combine(ServerBin, "..", "lib"), "rabbitmq_server-*").Single();

        // The command line's own -eval stands for rabbitmq-server's -s rabbit boot: it runs at once, then waits for the
        // preload's process to end, and asks whether the management plugin's code is loaded.
        var output = await RunWithPreloadAsync(
            "erl",
            [
                "-noshell", "-eval",
                "io:format(\"first~n\"), " +
                $"Ref = monitor(process, {ErlangCodePreload.ProcessName}), " +
                "receive {'DOWN', Ref, _, _, _} -> ok after 60000 -> io:format(\"still running~n\") end, " +
                "io:format(\"~p~n\", [code:is_loaded(rabbit_mgmt_app) =/= false]), halt().",
            ],
            new() { ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins, ["ERL_LIBS"] = Path.Combine(server, "plugins") });

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 3, output);
        Assert.Equal("first", lines[0]);
        var done = PreloadLine().Match(lines[1]);
        Assert.True(done.Success, output);
        Assert.InRange(int.Parse(done.Groups["modules"].Value), 500, 5000);
        Assert.InRange(int.Parse(done.Groups["applications"].Value), 20, 200);
        Assert.Equal("0", done.Groups["failed"].Value);
        Assert.Equal("true", lines[2]);
    }

    [Fact]
    public async Task RabbitMQs_command_line_tools_skip_it()
    {
        var output = await RunWithPreloadAsync(Path.Combine(ServerBin, "rabbitmqctl"), ["version"], new() { ["HOME"] = _folder });

        Assert.DoesNotContain(ErlangCodePreload.DoneMarker, output);
        Assert.DoesNotContain(ErlangCodePreload.FailedMarker, output);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    private static async Task<string> RunWithPreloadAsync(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[ErlangCodePreload.Variable] = ErlangCodePreload.Flags;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await output}{await error}");
        return await output;
    }

    [GeneratedRegex($@"^{ErlangCodePreload.DoneMarker} (?<modules>\d+) modules of (?<applications>\d+) applications in \d+ ms, (?<failed>\d+) not loaded$")]
    private static partial Regex PreloadLine();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
