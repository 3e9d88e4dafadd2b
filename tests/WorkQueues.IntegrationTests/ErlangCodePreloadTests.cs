using System.Diagnostics;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The local broker's code preload (<see cref="ErlangCodePreload"/>) run by the installed Erlang, as the node's
/// <c>erl</c> runs it, without booting RabbitMQ: so its syntax and what it loads are checked on every machine, whether
/// or not the AppHost's broker is the local one there.
/// </summary>
public sealed class ErlangCodePreloadTests : IDisposable
{
    private static readonly string ServerPath = new MessagingSettings().ServerPath;
    private static readonly string ServerBin = Path.GetDirectoryName(ServerPath)!;

    private readonly string _folder = Directory.CreateTempSubdirectory("workqueues-preload-").FullName;

    [SkippableFact]
    public async Task Erl_starts_it_beside_its_own_arguments_and_it_loads_RabbitMQ_and_the_enabled_plugins()
    {
        SkipWithoutServer();

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
                "receive {'DOWN', Ref, _, _, _} -> ok after 30000 -> io:format(\"still running~n\") end, " +
                "io:format(\"~p~n\", [code:is_loaded(rabbit_mgmt_app) =/= false]), halt().",
            ],
            new() { ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins, ["ERL_LIBS"] = Path.Combine(server, "plugins") });

        // "first" comes at once, the preload's line about a second later; their order is likely, not promised.
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 3, output);
        Assert.Contains("first", lines[..2]);
        var line = lines.Single(candidate => candidate.StartsWith(ErlangCodePreload.DoneMarker));
        Assert.EndsWith(" not loaded", line);
        var done = ErlangCodePreloadLine.Parse(line);
        Assert.True(done is not null, output);
        Assert.InRange(done.Modules, 500, 5000);
        Assert.InRange(done.Applications, 20, 200);
        Assert.Equal(0, done.NotLoaded);
        Assert.Equal("true", lines[2]);
    }

    [SkippableFact]
    public async Task An_escript_such_as_RabbitMQs_command_line_tools_skips_it()
    {
        SkipWithoutServer();

        // RabbitMQ's CLI runs erl with -escript main …; the preload's process would be registered before this -eval runs.
        var output = await RunWithPreloadAsync(
            "erl", ["-noshell", "-escript", "main", "rabbitmqctl_escript", "-eval", "io:format(\"~p~n\", [whereis(" + ErlangCodePreload.ProcessName + ")]), halt()."], []);

        Assert.Equal("undefined", output.Trim());
    }

    [SkippableFact]
    public async Task RabbitMQs_command_line_tools_still_work_with_it_set()
    {
        SkipWithoutServer();

        // The CLI starts Erlang distribution, and with it an epmd if none runs: on a port of this test's own, on
        // loopback, stopped afterwards, so the machine's 4369 is neither used nor left listening.
        var epmdPort = FreePorts.Next();
        try
        {
            var output = await RunWithPreloadAsync(
                Path.Combine(ServerBin, "rabbitmqctl"),
                ["version"],
                new() { ["HOME"] = _folder, ["ERL_EPMD_PORT"] = epmdPort.ToString(), ["ERL_EPMD_ADDRESS"] = MessagingSettings.Loopback });

            Assert.Matches(@"^\d+\.\d+\.\d+$", output.Trim());
        }
        finally
        {
            await ErlangPortMapper.StopAsync(epmdPort);
        }
    }

    private static void SkipWithoutServer() =>
        Skip.IfNot(File.Exists(ServerPath), $"{ServerPath} is not installed here (sudo apt-get install -y rabbitmq-server).");

    private static Task<string> RunWithPreloadAsync(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, arguments);
        start.Environment[ErlangCodePreload.Variable] = ErlangCodePreload.Flags;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return ProgramRun.OutputOfAsync(start, TimeSpan.FromSeconds(60));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
