using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Telemetry;

public sealed class QueueReadingTests
{
    private const long Registered = 1_000;

    [Fact]
    public void No_consumer_counted_after_this_workers_consumer_was_registered_means_it_is_lost() =>
        Assert.True(new QueueReading(0, 0, AskedAt: Registered + 1).MissesConsumerRegisteredAt(Registered));

    [Theory]
    [InlineData(0u, Registered - 1)] // asked before the consumer was registered: it may not be counted yet
    [InlineData(0u, Registered)]
    [InlineData(1u, Registered + 1)] // counted: this Worker's, or another's; nothing says which is lost
    [InlineData(2u, Registered + 1)]
    public void A_count_asked_too_early_or_above_zero_says_nothing_is_lost(uint consumers, long askedAt) =>
        Assert.False(new QueueReading(0, consumers, askedAt).MissesConsumerRegisteredAt(Registered));

    [Fact]
    public void Before_any_consumer_was_registered_nothing_is_lost() =>
        Assert.False(new QueueReading(0, 0, AskedAt: Registered).MissesConsumerRegisteredAt(long.MaxValue));
}
