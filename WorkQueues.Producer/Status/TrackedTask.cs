namespace WorkQueues.Producer.Status;

/// <summary>
/// What the Producer knows of one task: <c>GET /tasks/{id}</c>, and each change on the event stream. A scheduled task
/// says when it is due; a task whose cancel this replica recorded says when (it shows <c>cancelled</c> once a Worker
/// settled it so). <see cref="Revision"/> grows with each change this Producer makes to its view, so a reader with two
/// snapshots of a task (the page: a GET's answer and the event stream) keeps the later one, whichever arrived last.
/// </summary>
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
    string? TraceId,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? CancelRequestedAt = null,
    long Revision = 0);
