using Microsoft.Extensions.Hosting;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// An exclusive lock on the data folder's <c>apphost.lock</c> for the AppHost's lifetime, so a second AppHost cannot
/// run a broker on the same data. The system releases it when the process ends, however it ends.
/// </summary>
public sealed class LocalRabbitMQFolderLock : IHostedService, IDisposable
{
    private readonly FileStream _lock;

    private LocalRabbitMQFolderLock(FileStream fileLock) => _lock = fileLock;

    public static LocalRabbitMQFolderLock Acquire(LocalRabbitMQDataFolder folder)
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix.
            return new LocalRabbitMQFolderLock(new FileStream(folder.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new BrokerUnavailableException(
                $"Another AppHost runs the local broker on {folder.Path}. Stop it, or give this one another port with Messaging:AmqpPort.");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _lock.Dispose();
}
