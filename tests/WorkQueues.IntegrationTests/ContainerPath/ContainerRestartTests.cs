using System.Net;
using System.Text;

namespace WorkQueues.IntegrationTests.ContainerPath;

/// <summary>
/// Nothing the Producer accepted is lost when the broker's container restarts, nor when the whole AppHost does:
/// the tasks wait on the data volume. The workers are stopped first, so the tasks are surely in the broker.
/// </summary>
[Collection(ContainerPathCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class ContainerRestartTests(ContainerPathFixture fixture)
{
    [SkippableFact]
    public async Task Tasks_waiting_in_the_broker_survive_a_restart_of_its_container()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var tasks = Tasks("container restart", 5);
        await fixture.RunWorkersAsync(run: false);
        try
        {
            await QueueAsync(tasks);

            var restart = await Podman.RunAsync("restart", await fixture.ContainerAsync());
            Assert.True(restart.ExitCode == 0, restart.Error);

            // The Producer reconnects by itself: a task sent after the restart is accepted too.
            var after = $"after the container restart {Guid.NewGuid():N}";
            using var producer = fixture.App.CreateProducerClient();
            await Eventually.HoldsAsync(
                async () =>
                {
                    using var response = await producer.PostAsync("/tasks", new StringContent(after, Encoding.UTF8, "text/plain"));
                    return response.StatusCode == HttpStatusCode.Accepted;
                },
                TimeSpan.FromSeconds(60),
                "the producer to accept tasks again");
            tasks.Add(after);
        }
        finally
        {
            await fixture.RunWorkersAsync(run: true);
        }

        await fixture.App.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(60));
    }

    [SkippableFact]
    public async Task Tasks_waiting_in_the_data_volume_survive_a_restart_of_the_apphost()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var tasks = Tasks("apphost restart", 3);
        await fixture.RunWorkersAsync(run: false);
        await QueueAsync(tasks);

        // The old AppHost's container is removed with it; the new one mounts the same volume (and starts its workers).
        var before = await fixture.ContainerAsync();
        await fixture.RestartAppHostAsync();

        Assert.NotEqual(before, await fixture.ContainerAsync());
        await fixture.App.WaitForDoneAsync(tasks, TimeSpan.FromSeconds(60));
    }

    private static List<string> Tasks(string what, int count) =>
        Enumerable.Range(0, count).Select(i => $"{what} {Guid.NewGuid():N} {i}.").ToList();

    /// <summary>Posts the tasks (each 202 means the broker confirmed it) and waits until all of them are ready in task_queue.</summary>
    private async Task QueueAsync(IReadOnlyCollection<string> tasks)
    {
        foreach (var task in tasks)
        {
            await fixture.App.PostTaskAsync(task);
        }

        await fixture.WaitForTaskQueueAsync(queue => queue.MessageCount == tasks.Count, $"{tasks.Count} tasks ready in task_queue");
    }
}
