using System.Text.Json;
using System.Text.Json.Serialization;

namespace WorkQueues.Tasks;

/// <summary>
/// What a Worker tells about a task as it goes: published to the <c>task_events</c> fanout exchange
/// (<see cref="TaskQueueTopology.EventsExchangeName"/>), so every
/// Producer replica (each with a queue of its own) sees every event.
/// </summary>
public sealed record TaskEvent(
    string Id,
    string State,
    string Worker,
    int Attempt,
    int Dots,
    double ProgressSeconds,
    string? Error,
    DateTimeOffset At,
    string? TraceId)
{
    /// <summary>The states a worker reports.</summary>
    public static class States
    {
        public const string Queued = "queued";
        public const string Running = "running";
        public const string Completed = "completed";
        public const string Retrying = "retrying";
        public const string DeadLettered = "dead_lettered";
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, TaskEventJsonContext.Default.TaskEvent);

    public static TaskEvent? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TaskEventJsonContext.Default.TaskEvent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskEvent))]
internal sealed partial class TaskEventJsonContext : JsonSerializerContext;
