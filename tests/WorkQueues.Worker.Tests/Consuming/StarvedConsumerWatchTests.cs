using WorkQueues.Worker.Consuming;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Consuming;

public sealed class StarvedConsumerWatchTests
{
    private const long Registered = 1_000;

    private static QueueReading Waiting(long askedAt, uint ready = 3) => new(ready, Consumers: 1, askedAt);

    [Fact]
    public void Tasks_waiting_at_two_readings_with_room_and_nothing_delivered_between_means_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: true));
        Assert.True(watch.IsStarved(Waiting(3_000), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void A_delivery_between_the_readings_is_not_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(3_000), Registered, deliveries: 8, hasRoom: true));
        // The count moves on from the new reading: one more quiet interval is needed.
        Assert.True(watch.IsStarved(Waiting(4_000), Registered, deliveries: 8, hasRoom: true));
    }

    [Fact]
    public void A_worker_without_room_is_busy_not_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: false));
        Assert.False(watch.IsStarved(Waiting(3_000), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(4_000), Registered, deliveries: 7, hasRoom: false));
        Assert.False(watch.IsStarved(Waiting(5_000), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void An_empty_queue_in_between_starts_over()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(3_000, ready: 0), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(4_000), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void Readings_asked_before_the_consumer_was_registered_say_nothing()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.IsStarved(Waiting(900), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: true));
        // A consumer registered again after the first reading: that reading no longer counts.
        Assert.False(watch.IsStarved(Waiting(3_000), consumingSince: 2_500, deliveries: 7, hasRoom: true));
        Assert.True(watch.IsStarved(Waiting(4_000), consumingSince: 2_500, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void After_saying_starved_it_waits_for_two_new_readings()
    {
        var watch = new StarvedConsumerWatch();
        watch.IsStarved(Waiting(2_000), Registered, deliveries: 7, hasRoom: true);
        Assert.True(watch.IsStarved(Waiting(3_000), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.IsStarved(Waiting(4_000), Registered, deliveries: 7, hasRoom: true));
    }
}
