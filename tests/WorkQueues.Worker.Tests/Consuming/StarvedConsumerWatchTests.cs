using System.Diagnostics;
using WorkQueues.Worker.Consuming;
using WorkQueues.Worker.Telemetry;

namespace WorkQueues.Worker.Tests.Consuming;

public sealed class StarvedConsumerWatchTests
{
    private static readonly long Registered = At(1);

    /// <summary>A <see cref="Stopwatch"/> timestamp, in seconds.</summary>
    private static long At(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static QueueReading Waiting(double seconds, uint ready = 3) => new(ready, Consumers: 1, At(seconds));

    [Fact]
    public void Tasks_waiting_at_two_readings_with_room_and_nothing_delivered_between_means_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: true));
        Assert.True(watch.Observe(Waiting(7), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void A_delivery_between_the_readings_is_not_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(7), Registered, deliveries: 8, hasRoom: true));
        // The count moves on from the new reading: one more quiet interval is needed.
        Assert.True(watch.Observe(Waiting(12), Registered, deliveries: 8, hasRoom: true));
    }

    [Fact]
    public void Readings_closer_than_the_minimum_gap_say_nothing_until_one_is_far_enough_from_the_first()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(2.01), Registered, deliveries: 7, hasRoom: true)); // a sampler catching up
        Assert.True(watch.Observe(Waiting(2 + StarvedConsumerWatch.MinimumGap.TotalSeconds), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void A_worker_without_room_is_busy_not_starved()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: false));
        Assert.False(watch.Observe(Waiting(7), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(12), Registered, deliveries: 7, hasRoom: false));
        Assert.False(watch.Observe(Waiting(17), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void A_queue_empty_at_a_reading_starts_over()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(7, ready: 0), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(12), Registered, deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void Readings_asked_before_the_consumer_was_registered_say_nothing()
    {
        var watch = new StarvedConsumerWatch();
        Assert.False(watch.Observe(Waiting(0.5), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(6), Registered, deliveries: 7, hasRoom: true));
        // A consumer registered again after that reading: it no longer counts.
        Assert.False(watch.Observe(Waiting(11), consumingSince: At(8), deliveries: 7, hasRoom: true));
        Assert.True(watch.Observe(Waiting(16), consumingSince: At(8), deliveries: 7, hasRoom: true));
    }

    [Fact]
    public void After_saying_starved_it_waits_for_two_new_readings()
    {
        var watch = new StarvedConsumerWatch();
        watch.Observe(Waiting(2), Registered, deliveries: 7, hasRoom: true);
        Assert.True(watch.Observe(Waiting(7), Registered, deliveries: 7, hasRoom: true));
        Assert.False(watch.Observe(Waiting(12), Registered, deliveries: 7, hasRoom: true));
    }
}
