namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// <c>./test.sh</c> runs the integration tests as two processes side by side, split by this trait, because most of
/// the run is waiting (brokers, containers and AppHosts starting and stopping; tasks due later) rather than CPU. The
/// second lane holds collections whose timing bounds have room (the scheduled tasks' 2 s bound against a measured
/// 0.2 s). <see cref="Alone"/> runs after both, by itself: the AppHost-process tests start a real AppHost, whose
/// orchestrator, dashboard and three <c>dotnet run</c> services load both cores; beside them the scheduled tasks ran
/// up to 2.8 s late. A collection's tests all go in the same lane, or two processes would start its fixture
/// (<see cref="TestLaneTests"/>).
/// </summary>
public static class TestLane
{
    public const string Trait = "Lane";

    public const string Second = "second";

    public const string Alone = "alone";
}
