using System.Security.Cryptography;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Handlers;

/// <summary>
/// A sample handler with real work, not registered by default (docs/handlers.md shows how): stretches the task text
/// into a key by hashing it with SHA-256 over and over, a million rounds per dot, and logs the digest. It is CPU-bound,
/// so it runs on the thread pool, checks its token as it goes and reports progress.
/// </summary>
public sealed partial class Sha256ChainTaskHandler(ILogger<Sha256ChainTaskHandler> logger) : ITaskHandler
{
    public const long RoundsPerDot = 1_000_000;

    /// <summary>Rounds between looks at the token and reports of progress: a few milliseconds of hashing.</summary>
    private const long RoundsPerStep = 10_000;

    /// <summary>The rounds a task asks for: a million per dot, and at least one.</summary>
    public static long RoundsOf(string text) => Math.Max(1, TaskText.CountDots(text) * RoundsPerDot);

    public async Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var rounds = RoundsOf(task.Text);
        var digest = await Task.Run(() => Chain(task.Text, rounds, task.Progress, cancellationToken), cancellationToken);
        LogDigest(rounds, Convert.ToHexStringLower(digest), TaskText.Shorten(task.Text));
    }

    /// <summary>SHA-256 of the text's UTF-8, then SHA-256 of that digest, <paramref name="rounds"/> hashes in all.</summary>
    public static byte[] Chain(string text, long rounds, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> next = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(TaskText.Encode(text), digest);
        for (var round = 1L; round < rounds; round++)
        {
            SHA256.HashData(digest, next);
            next.CopyTo(digest);
            if (round % RoundsPerStep == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report((double)round / rounds);
            }
        }

        return digest.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] SHA-256 x{Rounds} = {Digest} for {Task}")]
    private partial void LogDigest(long rounds, string digest, string task);
}
