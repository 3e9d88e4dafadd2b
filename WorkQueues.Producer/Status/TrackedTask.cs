namespace WorkQueues.Producer.Status;

/// <summary>What the Producer knows of one task: <c>GET /tasks/{id}</c>, and each change on the event stream.</summary>
public sealed record TrackedTask(
    string Id,
    string? Text,
    TaskState State,
    int Dots,
    double ProgressSeconds,
    string? Worker,
    int Attempts,
    string? Error,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset UpdatedAt,
    string? TraceId);
