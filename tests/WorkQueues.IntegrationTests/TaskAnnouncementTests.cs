using System.Net;
using System.Text;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// Producer replicas tell each other of the tasks they accept (<c>task_events</c>); a replica skips its own
/// announcements, which its board already holds.
/// </summary>
[Collection(ProducerCollection.Name)]
public sealed class TaskAnnouncementTests(ProducerFixture fixture)
{
    [Fact]
    public async Task A_task_accepted_by_one_replica_is_known_to_another_and_shows_once_on_its_own_stream()
    {
        await using var other = fixture.Start();
        using var accepting = fixture.Producer.Client(ProducerHost.ApiKey);
        using var asking = other.Client(ProducerHost.ApiKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var stream = new StreamReader(await accepting.GetStreamAsync("/tasks/events", timeout.Token));
        Assert.Equal("event: ready", await stream.ReadLineAsync(timeout.Token));

        // Scheduled an hour ahead, so no worker's event can add to what the stream shows.
        using var response = await accepting.PostAsync("/tasks?delay=3600", new StringContent("Announced.", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var known = await Eventually.ReturnsAsync(
            () => asking.GetAsync($"/tasks/{id}"),
            r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10),
            "the other replica to know the task");
        using var seen = JsonDocument.Parse(await known.Content.ReadAsStringAsync());
        Assert.Equal("scheduled", seen.RootElement.GetProperty("state").GetString());
        Assert.True(seen.RootElement.TryGetProperty("dueAt", out _), seen.RootElement.ToString());

        // The announcement reached every replica's queue by now (one fanout); a replica that applied its own would
        // show the task a second time within milliseconds. Two seconds of the stream after that hold only the first.
        var changes = await TaskChangesAsync(stream, id, TimeSpan.FromSeconds(2), timeout.Token);
        Assert.Equal(["scheduled"], changes);
    }

    /// <summary>The states of <paramref name="id"/>'s <c>task</c> events read from the stream within <paramref name="window"/>.</summary>
    private static async Task<List<string>> TaskChangesAsync(StreamReader stream, string id, TimeSpan window, CancellationToken cancellationToken)
    {
        var states = new List<string>();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reading.CancelAfter(window);
        try
        {
            while (await stream.ReadLineAsync(reading.Token) is { } line)
            {
                if (line.StartsWith("data: {", StringComparison.Ordinal)
                    && JsonDocument.Parse(line["data: ".Length..]).RootElement is var change
                    && change.GetProperty("id").GetString() == id)
                {
                    states.Add(change.GetProperty("state").GetString()!);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window is over.
        }

        return states;
    }
}
