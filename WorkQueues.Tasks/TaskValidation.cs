using System.Diagnostics.CodeAnalysis;

namespace WorkQueues.Tasks;

/// <summary>The outcome of checking a task: the task, or why it was refused.</summary>
public readonly record struct TaskValidation
{
    private TaskValidation(TaskText? task, string? error) => (Task, Error) = (task, error);

    public TaskText? Task { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Task))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public static TaskValidation Valid(TaskText task) => new(task, null);

    public static TaskValidation Invalid(string error) => new(null, error);
}
