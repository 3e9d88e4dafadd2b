using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The consumers on task_queue as the queue itself counts them (declare-ok). The management API's count lags by its
/// stats interval: just after Workers stop or start it still says what was.
/// </summary>
public static class TaskQueueConsumers
{
    /// <param name="nodes">Every node of a cluster, to ask any that answers; none for a single broker.</param>
    public static async Task<uint> CountAsync(ConnectionFactory factory, IList<AmqpTcpEndpoint>? nodes = null)
    {
        try
        {
            await using var connection = nodes is null ? await factory.CreateConnectionAsync() : await factory.CreateConnectionAsync(nodes);
            await using var channel = await connection.CreateChannelAsync();
            return (await channel.QueueDeclarePassiveAsync("task_queue")).ConsumerCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            return 0; // Deleted, and not declared again yet.
        }
    }
}
