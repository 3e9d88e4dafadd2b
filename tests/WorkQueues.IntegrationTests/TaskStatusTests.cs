using System.Net;
using System.Text;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>The status API: where a task is, from queued to done, as the workers' events tell it.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TaskStatusTests(AppHostFixture fixture)
{
    [Fact]
    public async Task A_task_moves_from_queued_to_running_with_progress_to_completed()
    {
        using var producer = fixture.App.CreateProducerClient();
        var id = await fixture.App.PostTaskAsync($"Status {Guid.NewGuid():N}...");
        var seen = new List<(string State, double Progress)>();

        var final = await Eventually.ReturnsAsync(
            async () =>
            {
                using var status = JsonDocument.Parse(await producer.GetStringAsync($"/tasks/{id}"));
                var state = status.RootElement.GetProperty("state").GetString()!;
                seen.Add((state, status.RootElement.GetProperty("progressSeconds").GetDouble()));
                return status.RootElement.Clone();
            },
            status => status.GetProperty("state").GetString() == "completed",
            TimeSpan.FromSeconds(30),
            "the task to complete");

        // The worker takes the task within milliseconds, so "queued" is checked on the event stream below.
        Assert.Contains(seen, s => s is { State: "running", Progress: > 0 and < 3 });
        Assert.Equal(3, final.GetProperty("dots").GetInt32());
        Assert.Equal(1, final.GetProperty("attempts").GetInt32());
        Assert.False(string.IsNullOrEmpty(final.GetProperty("worker").GetString()));
        Assert.Matches("^[0-9a-f]{32}$", final.GetProperty("traceId").GetString());
        Assert.True(final.GetProperty("finishedAt").GetDateTimeOffset() > final.GetProperty("startedAt").GetDateTimeOffset());

        using var completed = JsonDocument.Parse(await producer.GetStringAsync("/tasks?state=completed&limit=1000"));
        Assert.Contains(completed.RootElement.EnumerateArray(), t => t.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_failing_task_shows_its_attempts()
    {
        using var producer = fixture.App.CreateProducerClient();
        var id = await fixture.App.PostTaskAsync($"Flaky status {Guid.NewGuid():N} !fail2");

        var final = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await producer.GetStringAsync($"/tasks/{id}")).RootElement.Clone(),
            status => status.GetProperty("state").GetString() == "completed",
            TimeSpan.FromSeconds(30),
            "the flaky task to complete");

        Assert.Equal(3, final.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task An_unknown_id_is_404()
    {
        using var producer = fixture.App.CreateProducerClient();

        using var response = await producer.GetAsync($"/tasks/{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_sends_each_change_of_a_task()
    {
        using var producer = fixture.App.CreateProducerClient();
        producer.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await producer.GetStreamAsync("/tasks/events", timeout.Token);
        using var reader = new StreamReader(stream);
        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));

        var id = await fixture.App.PostTaskAsync($"Streamed {Guid.NewGuid():N}.");
        var states = new List<string>();
        while (!states.Contains("completed") && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal))
            {
                using var change = JsonDocument.Parse(line["data: ".Length..]);
                if (change.RootElement.GetProperty("id").GetString() == id)
                {
                    states.Add(change.RootElement.GetProperty("state").GetString()!);
                }
            }
        }

        Assert.Equal(["queued", "running", "completed"], states.Distinct());
    }
}
