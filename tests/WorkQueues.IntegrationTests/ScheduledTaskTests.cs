using System.Net;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// Scheduled tasks wait in the broker's delay levels and reach task_queue when due: never early, at most 2 s late,
/// through a broker restart, and for a thousand different delays at once.
/// </summary>
[Collection(TaskControlCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class ScheduledTaskTests(TaskControlFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan MostLate = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_task_scheduled_5_s_ahead_is_scheduled_until_due_then_done_within_2_s()
    {
        var accepted = await fixture.PostAsync($"scheduled {Guid.NewGuid():N}", "?delay=5");
        var due = accepted.DueAt!.Value;
        Assert.InRange(due - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5));
        var waiting = await fixture.GetAsync(accepted.Id);
        Assert.Equal(("scheduled", due), (waiting!.State, waiting.DueAt));

        var done = await fixture.WaitForAsync(accepted.Id, s => s.State == "completed", TimeSpan.FromSeconds(20), "done");

        AssertOnTime(done!, due);
    }

    [Fact]
    public async Task A_task_scheduled_30_s_ahead_survives_a_broker_restart_and_is_done_when_due()
    {
        // A broker restart takes about 8 s on 2 cores: 30 s leaves it room under load, and the task is then in a delay level queue.
        var accepted = await fixture.PostAsync($"scheduled through a restart {Guid.NewGuid():N}", "?delay=30");
        var due = accepted.DueAt!.Value;

        var restart = await fixture.App.App.ResourceCommands.ExecuteCommandAsync(fixture.App.Resource("messaging"), KnownResourceCommands.RestartCommand);
        Assert.True(restart.Success, restart.Message);
        output.WriteLine($"broker restarted {(due - DateTimeOffset.UtcNow).TotalSeconds:0} s before the task is due");
        Assert.True(DateTimeOffset.UtcNow < due, "the restart must happen before the task is due");
        await fixture.WaitForConsumersAsync(2);

        var done = await fixture.WaitForAsync(accepted.Id, s => s.State == "completed", TimeSpan.FromSeconds(120), "done after the restart");

        AssertOnTime(done!, due);
    }

    [Fact]
    public async Task A_thousand_tasks_with_random_delays_of_1_to_20_s_are_each_done_no_earlier_than_due_and_at_most_2_s_late()
    {
        const int Count = 1_000;
        var random = new Random(17);
        var delays = Enumerable.Range(0, Count).Select(_ => random.Next(1, 21)).ToArray();
        var accepted = new TaskControlFixture.Accepted[Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            accepted[i] = await fixture.PostAsync($"many {i}", $"?delay={delays[i]}"));
        var due = accepted.ToDictionary(a => a.Id, a => a.DueAt!.Value);

        using var producer = fixture.App.CreateProducerClient();
        var done = await Eventually.ReturnsAsync(
            async () => JsonSerializer.Deserialize<TaskControlFixture.Status[]>(
                    await producer.GetStringAsync($"/tasks?state=completed&limit=1000"), new JsonSerializerOptions(JsonSerializerDefaults.Web))!
                .Where(s => due.ContainsKey(s.Id)).ToList(),
            completed => completed.Count == Count,
            TimeSpan.FromSeconds(60),
            $"{Count} scheduled tasks done");

        var lateness = done.Select(s => s.FinishedAt!.Value - due[s.Id]).Order().ToList();
        output.WriteLine($"lateness: min {lateness[0].TotalMilliseconds:0} ms, median {lateness[Count / 2].TotalMilliseconds:0} ms, max {lateness[^1].TotalMilliseconds:0} ms");
        Assert.All(done, s => AssertOnTime(s, due[s.Id]));
    }

    public static TheoryData<string, string> BadSchedules => new()
    {
        { "?delay=0", "between 1 and 604800" },
        { "?delay=604801", "between 1 and 604800" },
        { "?delay=soon", "not a number" },
        { "?notBefore=2001-01-01T00:00:00Z", "in the past" },
        { "?notBefore=2999-01-01T00:00:00Z", "more than 7 days" },
        { "?notBefore=tomorrow", "not an RFC 3339 time" },
        { "?delay=5&notBefore=2999-01-01T00:00:00Z", "not both" },
        { "?delay=5&delay=6", "more than once" },
        { "?timeout=0", "timeout must be between" },
        { "?timeout=forever", "not a number" },
    };

    [Theory]
    [MemberData(nameof(BadSchedules))]
    public async Task A_bad_schedule_or_time_limit_gets_400_problem_details_on_both_routes(string query, string reason)
    {
        using var producer = fixture.App.CreateProducerClient();

        using var one = await producer.PostAsync($"/tasks{query}", new StringContent("Bad schedule.", Encoding.UTF8, "text/plain"));
        using var batch = await producer.PostAsync($"/tasks/batch{query}", new StringContent("[\"Bad schedule.\"]", Encoding.UTF8, "application/json"));

        foreach (var response in new[] { one, batch })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_scheduled_batch_is_due_together_and_said_so_in_each_202()
    {
        using var producer = fixture.App.CreateProducerClient();
        using var response = await producer.PostAsync("/tasks/batch?delay=3", new StringContent("[\"batch a\",\"batch b\"]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = JsonSerializer.Deserialize<TaskControlFixture.Accepted[]>(await response.Content.ReadAsStringAsync(), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal(2, accepted.Length);
        Assert.Single(accepted.Select(a => a.DueAt).Distinct());

        foreach (var task in accepted)
        {
            AssertOnTime((await fixture.WaitForAsync(task.Id, s => s.State == "completed", TimeSpan.FromSeconds(20), "done"))!, task.DueAt!.Value);
        }
    }

    private static void AssertOnTime(TaskControlFixture.Status done, DateTimeOffset due)
    {
        Assert.True(done.StartedAt >= due, $"task {done.Id} started at {done.StartedAt:O}, before it was due at {due:O}");
        Assert.True(done.FinishedAt <= due + MostLate, $"task {done.Id} finished at {done.FinishedAt:O}, more than 2 s after it was due at {due:O}");
    }
}
