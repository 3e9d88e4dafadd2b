using System.Text.Json;

namespace WorkQueues.IntegrationTests.ContainerPath;

/// <summary>Messaging:Nodes=3 on the container path: three podman containers that form one cluster with quorum task queues.</summary>
[Collection(ContainerClusterCollection.Name)]
[Trait(TestLane.Trait, TestLane.Second)]
public sealed class ContainerClusterTests(ContainerClusterFixture fixture)
{
    [SkippableFact]
    public async Task Three_containers_form_one_cluster_whose_task_queue_is_quorum_on_every_node_and_tasks_get_done()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var nodes = Enumerable.Range(1, ContainerClusterFixture.Nodes).Select(index => $"rabbit@messaging-{index}").Order().ToList();

        using var management = fixture.Management(2);
        using var queue = JsonDocument.Parse(await (await management.GetAsync("/api/queues/%2F/task_queue")).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        Assert.Equal("quorum", queue.RootElement.GetProperty("type").GetString());
        Assert.Equal(nodes, queue.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order());

        var task = $"container cluster {Guid.NewGuid():N}.";
        await fixture.App.PostTaskAsync(task);
        await fixture.App.WaitForDoneAsync([task], TimeSpan.FromSeconds(60));
    }
}
