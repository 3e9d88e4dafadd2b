namespace WorkQueues.Benchmark.Tests;

public class FairDispatchMixTests
{
    [Fact]
    public void The_mix_is_forty_tasks_of_zero_to_three_dots()
    {
        Assert.Equal(40, FairDispatchMix.Dots.Count);
        Assert.All(FairDispatchMix.Dots, dots => Assert.InRange(dots, 0, 3));
        Assert.Equal(60, FairDispatchMix.Dots.Sum());
    }

    [Fact]
    public void The_ideal_is_the_work_spread_evenly_or_the_longest_task()
    {
        Assert.Equal(30, FairDispatchMix.IdealDots(FairDispatchMix.Dots, workers: 2));
        Assert.Equal(3, FairDispatchMix.IdealDots([3, 1], workers: 4));
    }

    [Fact]
    public void Round_robin_piles_the_heavy_tasks_of_the_mix_on_one_worker()
    {
        // 3,0,1,2 repeated: worker 0 gets every 3 and 1, worker 1 every 0 and 2.
        Assert.Equal(40, FairDispatchMix.RoundRobinDots(FairDispatchMix.Dots, workers: 2));
    }

    [Fact]
    public void Task_text_carries_one_dot_per_second_of_work()
    {
        Assert.Equal("fair 7...", FairDispatchMix.TaskText(7, 3));
        Assert.Equal("fair 0", FairDispatchMix.TaskText(0, 0));
    }
}
