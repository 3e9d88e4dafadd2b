using System.Diagnostics;

namespace WorkQueues.IntegrationTests;

/// <summary>Nothing the AppHost starts listens beyond this machine, and it uses no other user's broker folder.</summary>
[Collection(AppHostProcessCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class LocalBrokerExposureTests(AppHostProcessFixture fixture)
{
    [Fact]
    public async Task While_the_app_runs_everything_it_started_listens_on_loopback_only()
    {
        await using var app = await fixture.StartAsync(TimeSpan.FromMilliseconds(10));

        var listeners = ListeningSockets.Of(app.Processes.Alive());
        // epmd outlives a broker, so it may be one an earlier run of this collection started: found by its port.
        var epmd = ListeningSockets.OnPort(fixture.EpmdPort);

        Assert.DoesNotContain(listeners.Concat(epmd), l => !l.IsLoopback);
        Assert.NotEmpty(epmd);
        var ports = listeners.Select(l => l.Port).ToHashSet();
        Assert.Contains(fixture.AmqpPort, ports);
        Assert.Contains(fixture.ManagementPort, ports);
        Assert.Contains(listeners, l => l.Process.StartsWith("WorkQueues.Prod", StringComparison.Ordinal));
        Assert.Contains(listeners, l => l.Process.StartsWith("Aspire.Dashboar", StringComparison.Ordinal));
        Assert.Contains(listeners, l => l.Process == "beam.smp" && l.Port != fixture.AmqpPort && l.Port != fixture.ManagementPort); // Erlang distribution
    }

    [Fact]
    public async Task A_data_folder_of_another_user_is_refused_and_a_foreign_folder_beside_it_is_left_alone()
    {
        var root = Directory.CreateTempSubdirectory("workqueues-foreign-").FullName;
        try
        {
            var foreign = Directory.CreateDirectory(Path.Combine(root, $"rabbitmq-{fixture.AmqpPort}")).FullName;
            var beside = Directory.CreateDirectory(Path.Combine(root, "rabbitmq-1")).FullName;
            await File.WriteAllTextAsync(Path.Combine(beside, "keep"), "someone else's");
            await ChownToNobodyAsync(foreign, beside);

            await using var app = AppHostProcess.Start(new Dictionary<string, string>
            {
                ["Messaging__Broker"] = "local",
                ["Messaging__AmqpPort"] = fixture.AmqpPort.ToString(),
                ["Messaging__DataRoot"] = root,
                ["Parameters__messaging-password"] = fixture.Password,
            });
            await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, app.ExitCode);
            Assert.Contains($"The local broker's data folder {foreign} belongs to user id 65534, not to you", app.Output);
            Assert.Empty(Directory.EnumerateFileSystemEntries(foreign));
            Assert.Equal("someone else's", await File.ReadAllTextAsync(Path.Combine(beside, "keep")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task ChownToNobodyAsync(params string[] paths)
    {
        using var chown = Process.Start("chown", ["-R", "nobody", .. paths])!;
        await chown.WaitForExitAsync();
        Assert.True(chown.ExitCode == 0, "chown to nobody needs root: run the tests as root, as CI does");
    }
}
