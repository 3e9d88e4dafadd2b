namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// <c>./test.sh</c> runs the integration tests as two processes side by side, split by this trait, because most of
/// the run is waiting (brokers, containers and AppHosts starting and stopping) rather than CPU. <see cref="Alone"/>
/// runs after both, by itself: the AppHost-process tests, which start a real AppHost whose orchestrator, dashboard,
/// broker and three services load both cores, and task control, whose scheduled tasks must be done at most 2 s after
/// they are due (in a lane, beside other tests, a few ran 2.1–2.8 s late). A collection's tests all go in the same
/// lane, or two processes would start its fixture (<see cref="TestLaneTests"/>).
/// </summary>
public static class TestLane
{
    public const string Trait = "Lane";

    public const string Second = "second";

    public const string Alone = "alone";
}
