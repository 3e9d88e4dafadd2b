namespace WorkQueues.Worker.Consuming;

/// <summary>This replica's name as the dashboard shows it (Aspire sets service.instance.id), else host/pid.</summary>
internal static class WorkerInstance
{
    public static readonly string Name =
        (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty).Split(',')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair is ["service.instance.id", _])
            .Select(pair => pair[1])
            .FirstOrDefault() ?? $"{Environment.MachineName}/{Environment.ProcessId}";
}
