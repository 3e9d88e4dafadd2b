using WorkQueues.AppHost;

namespace WorkQueues.IntegrationTests;

/// <summary>The AppHost starts each service's built program itself, not through <c>dotnet run</c> (see WithLaunchFromBuildOutput).</summary>
[Collection(AppHostProcessCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class BuildOutputLaunchTests(AppHostProcessFixture fixture)
{
    [Fact]
    public async Task The_producer_and_the_workers_run_from_their_build_output_and_no_dotnet_run_is_left_waiting_on_them()
    {
        await using var app = await fixture.StartAsync(TimeSpan.FromMilliseconds(10));

        var processes = app.Processes.Alive();
        var producers = processes.Where(p => p.Name.StartsWith("WorkQueues.Prod", StringComparison.Ordinal)).ToList();
        var workers = processes.Where(p => p.Name.StartsWith("WorkQueues.Work", StringComparison.Ordinal)).ToList();

        Assert.Single(producers);
        Assert.NotEmpty(workers);
        Assert.All(producers, p => Assert.Equal(Program(new Projects.WorkQueues_Producer().ProjectPath), Executable(p.Pid)));
        Assert.All(workers, p => Assert.Equal(Program(new Projects.WorkQueues_Worker().ProjectPath), Executable(p.Pid)));
        Assert.DoesNotContain(processes, p => CommandLine(p.Pid).Contains(" run --project ", StringComparison.Ordinal));
    }

    /// <summary>The program the AppHost's build embedded for the project; this test's build must have left one.</summary>
    private static string Program(string projectPath) =>
        ServiceBuildOutputs.OfAppHost.ProgramOf(projectPath) ?? throw new InvalidOperationException($"The AppHost's build left no program for {projectPath}.");

    private static string? Executable(int pid) => File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: false)?.FullName;

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty; // Gone meanwhile.
        }
    }
}
