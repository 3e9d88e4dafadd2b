using System.Text.Json.Serialization;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Status;

/// <summary>Where a task is. On the wire each state is the string the workers' events use (<see cref="TaskEvent.States"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskState>))]
public enum TaskState
{
    [JsonStringEnumMemberName(TaskEvent.States.Scheduled)]
    Scheduled,

    [JsonStringEnumMemberName(TaskEvent.States.Queued)]
    Queued,

    [JsonStringEnumMemberName(TaskEvent.States.Running)]
    Running,

    [JsonStringEnumMemberName(TaskEvent.States.Retrying)]
    Retrying,

    [JsonStringEnumMemberName(TaskEvent.States.Completed)]
    Completed,

    [JsonStringEnumMemberName(TaskEvent.States.DeadLettered)]
    DeadLettered,

    [JsonStringEnumMemberName(TaskEvent.States.Cancelled)]
    Cancelled,
}

public static class TaskStates
{
    /// <summary>The state a wire string names; false for a state this Producer does not know.</summary>
    public static bool TryParse(string? wire, out TaskState state)
    {
        TaskState? parsed = wire switch
        {
            TaskEvent.States.Scheduled => TaskState.Scheduled,
            TaskEvent.States.Queued => TaskState.Queued,
            TaskEvent.States.Running => TaskState.Running,
            TaskEvent.States.Retrying => TaskState.Retrying,
            TaskEvent.States.Completed => TaskState.Completed,
            TaskEvent.States.DeadLettered => TaskState.DeadLettered,
            TaskEvent.States.Cancelled => TaskState.Cancelled,
            _ => null,
        };
        state = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>The wire string of a state, as JSON and the workers' events spell it.</summary>
    public static string ToWire(this TaskState state) => state switch
    {
        TaskState.Scheduled => TaskEvent.States.Scheduled,
        TaskState.Queued => TaskEvent.States.Queued,
        TaskState.Running => TaskEvent.States.Running,
        TaskState.Retrying => TaskEvent.States.Retrying,
        TaskState.Completed => TaskEvent.States.Completed,
        TaskState.DeadLettered => TaskEvent.States.DeadLettered,
        TaskState.Cancelled => TaskEvent.States.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Whether the task has stopped moving: done, given up on, or cancelled.</summary>
    public static bool IsFinished(this TaskState state) => state is TaskState.Completed or TaskState.DeadLettered or TaskState.Cancelled;

    /// <summary>How far along an attempt the state is; a change never steps back to a lower stage of the same attempt.</summary>
    public static int Stage(this TaskState state) => state switch
    {
        TaskState.Scheduled or TaskState.Queued => 0,
        TaskState.Running => 1,
        TaskState.Retrying => 2,
        _ => 3,
    };
}
