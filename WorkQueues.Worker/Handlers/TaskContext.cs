namespace WorkQueues.Worker.Handlers;

/// <summary>What a <see cref="ITaskHandler"/> is given about the task it works on.</summary>
public sealed class TaskContext(string? id, string text, int attempt, IProgress<double> progress)
{
    /// <summary>The task's id (the message id); null for a message from a client that sets none.</summary>
    public string? Id { get; } = id;

    /// <summary>The task: the message body, decoded and checked against the task rules.</summary>
    public string Text { get; } = text;

    /// <summary>Which attempt this is: 1 for the first, then one more for each retry.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>
    /// Takes how much of the task is done, from 0 to 1, as the task's status and events show it. Report as often as
    /// is convenient: the Worker sends a few a second at most, and nothing after the attempt ended.
    /// </summary>
    public IProgress<double> Progress { get; } = progress;
}
