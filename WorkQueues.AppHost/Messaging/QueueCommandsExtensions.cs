using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
    /// </summary>
    public static IResourceBuilder<T> WithQueueCommands<T>(
        this IResourceBuilder<T> builder,
        EndpointReference management,
        ParameterResource userName,
        ParameterResource password)
        where T : IResourceWithConnectionString
    {
        async Task<BrokerQueueClient> ConnectAsync(CancellationToken cancellationToken) => new(
            new Uri(management.Url),
            new Uri((await builder.Resource.GetConnectionStringAsync(cancellationToken))!),
            (await userName.GetValueAsync(cancellationToken))!,
            (await password.GetValueAsync(cancellationToken))!);

        var whenRunning = (UpdateCommandStateContext context) =>
            context.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled;

        builder.WithCommand(ListQueuesCommand, "List queues", async context =>
        {
            var queues = await (await ConnectAsync(context.CancellationToken)).ListQueuesAsync(context.CancellationToken);
            var table = BrokerQueueClient.Format(queues);
            Log(context, builder.Resource, table);
            return CommandResults.Success($"{queues.Count} queues", table, CommandResultFormat.Text, displayImmediately: true);
        }, new CommandOptions
        {
            Description = "Name, ready, unacknowledged and consumers of every queue",
            IconName = "TextBulletListSquare",
            UpdateState = whenRunning,
        });

        builder.WithCommand(PurgeTaskQueueCommand, "Purge task_queue", async context =>
        {
            var purged = await (await ConnectAsync(context.CancellationToken)).PurgeTaskQueueAsync(context.CancellationToken);
            var message = $"{purged} ready tasks removed from task_queue.";
            Log(context, builder.Resource, message);
            return CommandResults.Success(message);
        }, new CommandOptions
        {
            Description = "Remove every task waiting in task_queue (tasks being worked on are kept)",
            ConfirmationMessage = "Remove every task waiting in task_queue? They cannot be brought back.",
            IconName = "Delete",
            UpdateState = whenRunning,
        });

        builder.WithCommand(RequeueDeadLettersCommand, "Requeue dead letters", async context =>
        {
            var moved = await (await ConnectAsync(context.CancellationToken)).RequeueDeadLettersAsync(context.CancellationToken);
            var message = $"{moved} dead letters moved back to task_queue, attempts reset.";
            Log(context, builder.Resource, message);
            return CommandResults.Success(message);
        }, new CommandOptions
        {
            Description = "Move every task in task_queue.dead back into task_queue for a fresh set of attempts",
            ConfirmationMessage = "Move every dead letter back into task_queue? Tasks that still fail will end up here again.",
            IconName = "ArrowRedo",
            UpdateState = whenRunning,
        });

        return builder;
    }

    /// <summary>The answer also goes to the broker's console log, where it stays after the dialog is closed.</summary>
    private static void Log(ExecuteCommandContext context, IResource resource, string text) =>
        context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource).LogInformation("{Text}", text);
}
