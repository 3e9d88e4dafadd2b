using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// An AppHost of its own for scheduled tasks, cancels and time limits: the tests restart its broker, and ask its
/// workers for wide concurrency so that no scheduled task is late for want of a free worker. Three attempts, 200 ms
/// apart, keep a timed-out task's way to the dead letters short.
/// </summary>
public sealed class TaskControlFixture() : WorkQueuesFixture(
    "Worker:Concurrency=64",
    "Worker:MaxAttempts=3",
    "Worker:RetryDelay=00:00:00.200")
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Posts a task with the given query, expects its 202, and returns what it said.</summary>
    public async Task<Accepted> PostAsync(string task, string query = "")
    {
        using var producer = App.CreateProducerClient();
        using var response = await producer.PostAsync($"/tasks{query}", new StringContent(task, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Accepted>(Json))!;
    }

    public async Task<Status?> GetAsync(string id)
    {
        using var producer = App.CreateProducerClient();
        using var response = await producer.GetAsync($"/tasks/{id}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<Status>(Json);
    }

    /// <summary>Polls the task's status until it matches (what the Producer's board learnt from the workers' events).</summary>
    public Task<Status?> WaitForAsync(string id, Func<Status, bool> match, TimeSpan timeout, string what) =>
        Eventually.ReturnsAsync(() => GetAsync(id), status => status is not null && match(status), timeout, $"task {id} {what}");

    public async Task<HttpResponseMessage> CancelAsync(string id)
    {
        using var producer = App.CreateProducerClient();
        return await producer.DeleteAsync($"/tasks/{id}");
    }

    public sealed record Accepted(string Id, int Dots, DateTimeOffset? DueAt);

    public sealed record Status(
        string Id, string State, int Attempts, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? DueAt, DateTimeOffset? CancelRequestedAt)
    {
        public override string ToString() => $"{State} (attempt {Attempts}, error {Error}, started {StartedAt:O}, finished {FinishedAt:O}, due {DueAt:O})";
    }
}

[CollectionDefinition(Name)]
public sealed class TaskControlCollection : ICollectionFixture<TaskControlFixture>
{
    public const string Name = "Task control";
}
