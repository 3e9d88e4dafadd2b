namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Told of every task this Producer publishes, so a view of tasks (the status board) can follow them without the
/// publisher knowing it. Called on the publish path: an observer must return at once and never throw.
/// </summary>
public interface ITaskPublishObserver
{
    /// <summary>A task is about to be published (a worker may report it running before its confirm is here).</summary>
    void Publishing(PublishedTask task, string text, string? traceId);

    /// <summary>The broker did not confirm the task: it was never accepted.</summary>
    void NotConfirmed(string id);
}
