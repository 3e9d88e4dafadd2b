using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorkQueues.Tasks;

/// <summary>
/// What a Worker tells about a task as it goes: published to the <c>task_events</c> fanout exchange
/// (<see cref="TaskQueueTopology.EventsExchangeName"/>), so every Producer replica (each with a queue of its own) sees
/// every event. A Producer also tells of each task it accepted (<see cref="States.Queued"/> or <see cref="States.Scheduled"/>,
/// attempt 0, no worker), so every replica knows every id. Events travel in batches, a JSON array per message (<see cref="ToJson(IReadOnlyCollection{TaskEvent})"/>),
/// so thousands of tasks a second cost the broker a few messages, not thousands.
/// </summary>
/// <param name="StartedAt">When this attempt started running; carried by every event after the start, so a batch that
/// holds only a task's last event still tells it.</param>
/// <param name="DueAt">When a scheduled task is due.</param>
public sealed record TaskEvent(
    string Id,
    string State,
    string Worker,
    int Attempt,
    int Dots,
    double ProgressSeconds,
    string? Error,
    DateTimeOffset At,
    string? TraceId,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? DueAt = null)
{
    /// <summary>The states a worker reports, and the two a Producer tells on accepting a task.</summary>
    public static class States
    {
        public const string Scheduled = "scheduled";
        public const string Queued = "queued";
        public const string Running = "running";
        public const string Completed = "completed";
        public const string Retrying = "retrying";
        public const string DeadLettered = "dead_lettered";
        public const string Cancelled = "cancelled";
    }

    /// <summary>One message body: a JSON array of events.</summary>
    public static byte[] ToJson(IReadOnlyCollection<TaskEvent> events) =>
        JsonSerializer.SerializeToUtf8Bytes(events, TaskEventJsonContext.Default.IReadOnlyCollectionTaskEvent);

    /// <summary>One message body written into <paramref name="writer"/>'s buffer, which a sender reuses for every message.</summary>
    public static void WriteJson(Utf8JsonWriter writer, IReadOnlyCollection<TaskEvent> events)
    {
        JsonSerializer.Serialize(writer, events, TaskEventJsonContext.Default.IReadOnlyCollectionTaskEvent);
        writer.Flush();
    }

    /// <summary>The events of one message body; none if it is not a JSON array of events.</summary>
    public static IReadOnlyList<TaskEvent> FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TaskEventJsonContext.Default.TaskEventArray) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskEvent[]))]
[JsonSerializable(typeof(IReadOnlyCollection<TaskEvent>))]
internal sealed partial class TaskEventJsonContext : JsonSerializerContext;
