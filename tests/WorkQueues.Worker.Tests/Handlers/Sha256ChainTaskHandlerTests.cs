using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.Worker.Tests.Handlers;

public class Sha256ChainTaskHandlerTests
{
    [Fact]
    public void One_round_is_the_sha256_of_the_text_and_each_further_round_hashes_the_digest()
    {
        var once = SHA256.HashData(Encoding.UTF8.GetBytes("héllo"));

        Assert.Equal(once, Sha256ChainTaskHandler.Chain("héllo", 1, null, CancellationToken.None));
        Assert.Equal(SHA256.HashData(SHA256.HashData(once)), Sha256ChainTaskHandler.Chain("héllo", 3, null, CancellationToken.None));
    }

    [Fact]
    public void A_task_asks_for_a_million_rounds_per_dot_and_at_least_one()
    {
        Assert.Equal(1, Sha256ChainTaskHandler.RoundsOf("no dots"));
        Assert.Equal(3_000_000, Sha256ChainTaskHandler.RoundsOf("three..."));
    }

    [Fact]
    public void Progress_rises_towards_one_as_rounds_are_done()
    {
        var progress = new RecordingProgress();

        Sha256ChainTaskHandler.Chain("x", 50_000, progress, CancellationToken.None);

        Assert.Equal([0.2, 0.4, 0.6, 0.8], progress.Values);
    }

    [Fact]
    public async Task Hashing_stops_when_the_token_fires()
    {
        var handler = new Sha256ChainTaskHandler(NullLogger<Sha256ChainTaskHandler>.Instance);
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress();
        var work = handler.HandleAsync(new TaskContext("id", new string('.', 1_000), 1, progress), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain(progress.Values, value => value >= 0.5);
    }
}
