namespace WorkQueues.Tasks.Tests;

public class TaskDelayTopologyTests
{
    [Fact]
    public void The_routing_key_spells_the_delay_in_binary_most_significant_level_first_then_task_queue()
    {
        Assert.Equal(string.Concat(Enumerable.Repeat("0.", 17)) + "1.0.1.task_queue", TaskDelayTopology.RoutingKey(5));
        Assert.Equal(string.Concat(Enumerable.Repeat("0.", 19)) + "1.task_queue", TaskDelayTopology.RoutingKey(1));
        Assert.Equal(string.Concat(Enumerable.Repeat("1.", 20)) + "task_queue", TaskDelayTopology.RoutingKey((1 << 20) - 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(604_800)]
    [InlineData(1_048_575)]
    public void The_levels_whose_word_is_1_add_up_to_the_delay(long seconds)
    {
        var words = TaskDelayTopology.RoutingKey(seconds).Split('.');
        var total = Enumerable.Range(0, TaskDelayTopology.Levels).Where(level => words[TaskDelayTopology.Levels - 1 - level] == "1").Sum(level => 1L << level);
        Assert.Equal(seconds, total);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1 << 20)]
    public void Delays_the_levels_cannot_spell_are_refused(long seconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskDelayTopology.RoutingKey(seconds));

    [Fact]
    public void Each_level_binds_its_own_word_the_top_level_first_and_the_lowest_last()
    {
        Assert.Equal("1.#", TaskDelayTopology.LevelPattern(19, '1'));
        Assert.Equal("*.0.#", TaskDelayTopology.LevelPattern(18, '0'));
        Assert.Equal(string.Concat(Enumerable.Repeat("*.", 19)) + "1.#", TaskDelayTopology.LevelPattern(0, '1'));
        Assert.Equal("task_queue.delay.19", TaskDelayTopology.EntryExchangeName);
        Assert.Equal("task_queue.delay.0", TaskDelayTopology.LevelName(0));
    }

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(1.001, 2)]
    [InlineData(4.9, 5)]
    [InlineData(5.0, 5)]
    public void A_delay_is_rounded_up_to_whole_seconds_so_a_task_is_never_early(double seconds, long whole) =>
        Assert.Equal(whole, TaskDelayTopology.WholeSeconds(TimeSpan.FromSeconds(seconds)));
}
