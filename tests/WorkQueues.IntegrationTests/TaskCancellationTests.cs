using System.Net;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>DELETE /tasks/{id} through the Producer, with the AppHost's two workers consuming.</summary>
[Collection(TaskControlCollection.Name)]
[Trait(TestLane.Trait, TestLane.Alone)]
public sealed class TaskCancellationTests(TaskControlFixture fixture)
{
    [Fact]
    public async Task A_cancelled_waiting_task_is_never_run_and_is_acked_as_cancelled_when_delivered()
    {
        var accepted = await fixture.PostAsync($"cancel me while I wait {Guid.NewGuid():N}", "?delay=3");

        using var response = await fixture.CancelAsync(accepted.Id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var cancelled = await fixture.WaitForAsync(accepted.Id, s => s.State == "cancelled", TimeSpan.FromSeconds(20), "cancelled when delivered");
        Assert.Null(cancelled!.StartedAt);
        Assert.True(cancelled.FinishedAt >= accepted.DueAt, "a scheduled task is settled when it is delivered, not before");
        Assert.NotNull(cancelled.CancelRequestedAt);
    }

    [Fact]
    public async Task A_cancelled_running_task_stops_within_1_s_and_is_not_retried()
    {
        var accepted = await fixture.PostAsync($"cancel me while I run {Guid.NewGuid():N} ..............................");
        await fixture.WaitForAsync(accepted.Id, s => s.State == "running", TimeSpan.FromSeconds(20), "running");

        using var response = await fixture.CancelAsync(accepted.Id);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var requested = body.RootElement.GetProperty("cancelRequestedAt").GetDateTimeOffset();

        var cancelled = await fixture.WaitForAsync(accepted.Id, s => s.State == "cancelled", TimeSpan.FromSeconds(10), "cancelled");
        Assert.True(cancelled!.FinishedAt - requested <= TimeSpan.FromSeconds(1), $"stopped {(cancelled.FinishedAt - requested)?.TotalMilliseconds:0} ms after the cancel");
        Assert.Equal(1, cancelled.Attempts);

        // A retry would come 200 ms later (Worker:RetryDelay); a task sent after the cancel and done shows time has passed.
        var later = await fixture.PostAsync($"after the cancel {Guid.NewGuid():N}", "?delay=1");
        await fixture.WaitForAsync(later.Id, s => s.State == "completed", TimeSpan.FromSeconds(20), "done");
        var still = await fixture.GetAsync(accepted.Id);
        Assert.Equal(("cancelled", 1), (still!.State, still.Attempts));
    }

    [Fact]
    public async Task A_finished_task_stays_as_it_was_409_and_an_unknown_one_is_404()
    {
        var accepted = await fixture.PostAsync($"finish me {Guid.NewGuid():N}");
        await fixture.WaitForAsync(accepted.Id, s => s.State == "completed", TimeSpan.FromSeconds(20), "done");

        using var finished = await fixture.CancelAsync(accepted.Id);
        using var unknown = await fixture.CancelAsync(Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", finished.Content.Headers.ContentType?.MediaType);
        Assert.Equal("completed", (await fixture.GetAsync(accepted.Id))!.State);
    }
}
