using System.Diagnostics;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalRabbitMQDataFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("workqueues-folder-tests-").FullName;
    private readonly List<Process> _standIns = [];

    [Fact]
    public void A_new_folder_is_created_for_its_owner_only_and_named_after_the_port()
    {
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);

        Assert.Equal(Path.Combine(_root, "rabbitmq-5999"), folder.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Path));
        Assert.Equal(UnixFileOwner.CurrentUser, UnixFileOwner.Of(folder.Path));
        Assert.Equal("workqueues-5999@localhost", folder.NodeName);
    }

    [Fact]
    public async Task The_node_name_stays_with_the_data_and_node_env_says_how_to_reach_the_node()
    {
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        await File.WriteAllTextAsync(folder.NodeFile, "RABBITMQ_NODENAME=kept-name@localhost\n");

        var reopened = LocalRabbitMQDataFolder.Open(_root, 5999);
        await reopened.WriteConfigurationAsync("user", "secret", 15999, "127.0.0.1", 4444, CancellationToken.None);

        Assert.Equal("kept-name@localhost", reopened.NodeName);
        Assert.Equal(
            ["RABBITMQ_NODENAME=kept-name@localhost", $"HOME={folder.Path}", "ERL_EPMD_PORT=4444"],
            await File.ReadAllLinesAsync(reopened.NodeFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(reopened.NodeFile));
    }

    [Fact]
    public async Task The_broker_listens_where_told_and_distribution_and_epmd_on_loopback_only()
    {
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        await folder.WriteConfigurationAsync("user", "secret", 15999, "0.0.0.0", 4444, CancellationToken.None);

        var environment = folder.ServerEnvironment(5999, "0.0.0.0", 4444);
        var config = await File.ReadAllLinesAsync(folder.ConfigFile);

        Assert.Equal("0.0.0.0", environment["RABBITMQ_NODE_IP_ADDRESS"]);
        Assert.Equal("5999", environment["RABBITMQ_NODE_PORT"]);
        Assert.Contains("management.tcp.ip = 0.0.0.0", config);
        Assert.Contains("management.tcp.port = 15999", config);
        Assert.Equal("127.0.0.1", environment["ERL_EPMD_ADDRESS"]);
        Assert.Equal("4444", environment["ERL_EPMD_PORT"]);
        Assert.Equal("-kernel inet_dist_use_interface {127,0,0,1}", environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"]);
        Assert.Equal(folder.Path, environment["HOME"]);
        Assert.Equal(ErlangCodePreload.Flags, environment[ErlangCodePreload.Variable]);
    }

    [RootFact]
    public void A_folder_another_user_owns_is_refused_naming_the_fix()
    {
        var foreign = Directory.CreateDirectory(Path.Combine(_root, "rabbitmq-5999")).FullName;
        ChownToNobody(foreign);

        var error = Assert.Throws<BrokerUnavailableException>(() => LocalRabbitMQDataFolder.Open(_root, 5999));

        Assert.Contains($"{foreign} belongs to user id 65534, not to you", error.Message);
        Assert.Contains("Messaging:DataRoot", error.Message);
    }

    [Fact]
    public void A_symbolic_link_is_refused()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root, "rabbitmq-5999"), elsewhere);

        var error = Assert.Throws<BrokerUnavailableException>(() => LocalRabbitMQDataFolder.Open(_root, 5999));

        Assert.Contains("symbolic link", error.Message);
    }

    [RootFact]
    public async Task Deleting_the_data_empties_only_our_folder_and_leaves_a_foreign_one_beside_it()
    {
        var beside = Directory.CreateDirectory(Path.Combine(_root, "rabbitmq-1")).FullName;
        await File.WriteAllTextAsync(Path.Combine(beside, "keep"), "someone else's");
        ChownToNobody(beside);
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        await folder.WriteConfigurationAsync("user", "secret", 15999, "127.0.0.1", 4444, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(folder.MnesiaBase, folder.NodeName));

        folder.DeleteData();

        Assert.False(Directory.Exists(folder.MnesiaBase));
        Assert.False(File.Exists(folder.ConfigFile));
        Assert.True(Directory.Exists(folder.Path));
        Assert.Equal("someone else's", await File.ReadAllTextAsync(Path.Combine(beside, "keep")));
    }

    [Fact]
    public void A_folder_the_apphost_did_not_create_is_never_deleted()
    {
        var existing = Directory.CreateDirectory(Path.Combine(_root, "rabbitmq-5999")).FullName;
        File.WriteAllText(Path.Combine(existing, "data"), "yours");
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);

        var error = Assert.Throws<InvalidOperationException>(folder.DeleteData);

        Assert.Contains("was not created by the WorkQueues AppHost", error.Message);
        Assert.True(File.Exists(Path.Combine(existing, "data")));
    }

    [Fact]
    public async Task A_node_left_running_on_the_folder_is_found_by_its_environment_and_stopped_without_a_pid_file()
    {
        // A node that is shutting down has deleted its pid file but still holds its ports.
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        var node = StartStandIn("beam.smp", folder.MnesiaBase);
        var stranger = StartStandIn("beam.smp", Path.Combine(_root, "other", "mnesia"));
        Assert.False(File.Exists(folder.PidFile));

        var stopped = await LocalRabbitMQNodeProcess.StopLeftoversAsync(folder);

        Assert.Equal([node.Id], stopped);
        Assert.True(node.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.False(stranger.HasExited);
    }

    [Fact]
    public async Task Only_the_erlang_vm_is_a_node_so_an_epmd_that_inherited_its_environment_is_left_alone()
    {
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        var epmd = StartStandIn("epmd", folder.MnesiaBase);

        Assert.Empty(await LocalRabbitMQNodeProcess.StopLeftoversAsync(folder));
        Assert.False(epmd.HasExited);
    }

    [Fact]
    public void Data_is_not_deleted_while_a_node_runs_on_the_folder()
    {
        var folder = LocalRabbitMQDataFolder.Open(_root, 5999);
        folder.EnsureCreated();
        var node = StartStandIn("beam.smp", folder.MnesiaBase);

        var error = Assert.Throws<InvalidOperationException>(folder.DeleteData);

        Assert.Contains($"process {node.Id}", error.Message);
    }

    /// <summary>
    /// A process that looks like a node of the given database, or a helper of one: it has the executable name
    /// (<c>sleep</c> copied under that name) and the environment.
    /// </summary>
    private Process StartStandIn(string executableName, string mnesiaBase)
    {
        var executable = Path.Combine(_root, "bin", executableName);
        if (!File.Exists(executable))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(executable)!);
            File.Copy("/bin/sleep", executable);
        }

        var start = new ProcessStartInfo(executable, ["600"]) { UseShellExecute = false };
        start.Environment["RABBITMQ_MNESIA_BASE"] = mnesiaBase;
        var standIn = Process.Start(start)!;
        _standIns.Add(standIn); // Stopped in Dispose, whatever the test's outcome.
        return standIn;
    }

    private static void ChownToNobody(string path)
    {
        using var chown = Process.Start("chown", ["-R", "nobody", path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }

    public void Dispose()
    {
        foreach (var standIn in _standIns)
        {
            if (!standIn.HasExited)
            {
                standIn.Kill();
                standIn.WaitForExit();
            }

            standIn.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>A fact that needs root (to give a folder to another user); reported as skipped, saying so, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (UnixFileOwner.CurrentUser != 0)
        {
            Skip = "Needs root, to give a folder to another user (chown nobody).";
        }
    }
}
