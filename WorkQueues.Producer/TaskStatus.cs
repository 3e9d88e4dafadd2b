namespace WorkQueues.Producer;

/// <summary>What the Producer knows of one task: <c>GET /tasks/{id}</c>.</summary>
public sealed record TaskStatus(
    string Id,
    string? Text,
    string State,
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
