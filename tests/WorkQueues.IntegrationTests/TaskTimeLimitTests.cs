using System.Net.Http.Json;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>?timeout= through the Producer: the attempt's token fires, the attempt fails as "timed out", and the task is retried, then dead-lettered.</summary>
[Collection(TaskControlCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class TaskTimeLimitTests(TaskControlFixture fixture)
{
    [Fact]
    public async Task A_5_dot_task_with_a_2_s_limit_times_out_is_retried_and_reaches_the_dead_letters_after_max_attempts()
    {
        var text = $"too slow {Guid.NewGuid():N} .....";
        var posted = DateTimeOffset.UtcNow;
        var accepted = await fixture.PostAsync(text, "?timeout=2");

        var retrying = await fixture.WaitForAsync(accepted.Id, s => s.State == "retrying", TimeSpan.FromSeconds(20), "retrying");
        Assert.Equal("timed out", retrying!.Error);
        var dead = await fixture.WaitForAsync(accepted.Id, s => s.State == "dead_lettered", TimeSpan.FromSeconds(30), "dead-lettered");

        Assert.Equal((3, "timed out"), (dead!.Attempts, dead.Error));
        // Each attempt stopped at its 2 s limit, not after its five seconds of work: three took well under 15 s.
        Assert.True(dead.FinishedAt - posted < TimeSpan.FromSeconds(12), $"dead-lettered {(dead.FinishedAt - posted)?.TotalSeconds:0.0} s after it was posted");
        using var producer = fixture.App.CreateProducerClient();
        var letters = await producer.GetFromJsonAsync<JsonElement>("/dead-letters?limit=1000");
        var letter = letters.GetProperty("oldest").EnumerateArray().Single(l => l.GetProperty("id").GetString() == accepted.Id);
        Assert.Equal("Failed 3 attempts; the last with: timed out", letter.GetProperty("reason").GetString());
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
    }
}
