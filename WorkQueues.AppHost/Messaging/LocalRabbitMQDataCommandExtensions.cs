namespace WorkQueues.AppHost.Messaging;

public static class LocalRabbitMQDataCommandExtensions
{
    public const string DeleteDataCommand = "delete-broker-data";

    /// <summary>
    /// "Delete broker data" on the local broker: the explicit way to start clean, since its data outlives AppHost
    /// runs. Enabled only while the broker is stopped.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMQResource> WithDeleteDataCommand(this IResourceBuilder<LocalRabbitMQResource> builder)
    {
        var folder = builder.Resource.Folder;
        return builder.WithCommand(DeleteDataCommand, "Delete broker data", context =>
        {
            try
            {
                folder.DeleteData();
                return Task.FromResult(CommandResults.Success($"Deleted the broker's data in {folder.Path}; it starts empty next time."));
            }
            catch (Exception ex) when (ex is InvalidOperationException or BrokerUnavailableException or IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(CommandResults.Failure(ex.Message));
            }
        }, new CommandOptions
        {
            Description = "Delete the stopped local broker's queues, messages, users and logs, so it starts empty",
            ConfirmationMessage = $"Delete everything the local broker keeps in {folder.Path}? Queued tasks are lost for good.",
            IconName = "DeleteDismiss",
            UpdateState = context => IsStopped(context.ResourceSnapshot.State?.Text)
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });
    }

    private static bool IsStopped(string? state) =>
        state is not null && (KnownResourceStates.TerminalStates.Contains(state) || state == KnownResourceStates.NotStarted);
}
