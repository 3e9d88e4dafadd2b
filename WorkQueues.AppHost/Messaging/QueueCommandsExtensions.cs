using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using WorkQueues.Tasks;

namespace WorkQueues.AppHost.Messaging;

public static class QueueCommandsExtensions
{
    public const string ListQueuesCommand = "list-queues";
    public const string PurgeTaskQueueCommand = "purge-task-queue";
    public const string RequeueDeadLettersCommand = "requeue-dead-letters";

    /// <summary>
    /// Dashboard commands on the broker resource: "List queues" (the tutorial's
    /// <c>rabbitmqctl list_queues name messages_ready messages_unacknowledged</c>, plus consumers) and
    /// "Purge task_queue" and "Requeue dead letters". Answers show in the dashboard and in the resource's console log.
    /// On a cluster (<paramref name="management"/> lists every node) each command goes to the first node that answers.
    /// </summary>
    public static IResourceBuilder<T> WithQueueCommands<T>(
        this IResourceBuilder<T> builder,
        IReadOnlyList<EndpointReference> management,
        ParameterResource userName,
        ParameterResource password)
        where T : IResourceWithConnectionString
    {
        async Task<BrokerQueueClient> ConnectAsync(CancellationToken cancellationToken) => new(
            management.Where(endpoint => endpoint.IsAllocated).Select(endpoint => new Uri(endpoint.Url)).ToList(),
            new Uri((await builder.Resource.GetConnectionStringAsync(cancellationToken))!),
            builder.Resource is RabbitMQClusterResource cluster
                ? BrokerEndpoints.Parse(await cluster.EndpointsExpression.GetValueAsync(cancellationToken))
                : [],
            (await userName.GetValueAsync(cancellationToken))!,
            (await password.GetValueAsync(cancellationToken))!);

        // Degraded is a cluster with a node down but a majority up: its queues still work, and so do the commands.
        var whenRunning = (UpdateCommandStateContext context) =>
            context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy or HealthStatus.Degraded
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled;

        void AddCommand(string name, string displayName, Func<BrokerQueueClient, CancellationToken, Task<ExecuteCommandResult>> run, CommandOptions options)
        {
            options.UpdateState = whenRunning;
            builder.WithCommand(name, displayName, async context =>
            {
                var result = await run(await ConnectAsync(context.CancellationToken), context.CancellationToken);
                // The answer also goes to the broker's console log, where it stays after the dialog is closed.
                context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(builder.Resource)
                    .LogInformation("{Text}", result.Data?.Value ?? result.Message);
                return result;
            }, options);
        }

        AddCommand(ListQueuesCommand, "List queues", async (broker, token) =>
        {
            var queues = await broker.ListQueuesAsync(token);
            return CommandResults.Success($"{queues.Count} queues", BrokerQueueClient.Format(queues), CommandResultFormat.Text, displayImmediately: true);
        }, new CommandOptions
        {
            Description = "Name, ready, unacknowledged and consumers of every queue",
            IconName = "TextBulletListSquare",
        });

        AddCommand(PurgeTaskQueueCommand, "Purge task_queue", async (broker, token) =>
            CommandResults.Success($"{await broker.PurgeTaskQueueAsync(token)} ready tasks removed from task_queue."),
            new CommandOptions
            {
                Description = "Remove every task waiting in task_queue (tasks being worked on are kept)",
                ConfirmationMessage = "Remove every task waiting in task_queue? They cannot be brought back.",
                IconName = "Delete",
            });

        AddCommand(RequeueDeadLettersCommand, "Requeue dead letters", async (broker, token) =>
            CommandResults.Success($"{await broker.RequeueDeadLettersAsync(token)} dead letters moved back to task_queue, attempts reset."),
            new CommandOptions
            {
                Description = "Move every task in task_queue.dead back into task_queue for a fresh set of attempts",
                ConfirmationMessage = "Move every dead letter back into task_queue? Tasks that still fail will end up here again.",
                IconName = "ArrowRedo",
            });

        return builder;
    }
}
