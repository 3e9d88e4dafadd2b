using System.Text.Json.Serialization;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// A task the broker has confirmed, and the body of its 202: its id (the message's <c>message_id</c>), its seconds
/// of work, and for a scheduled task when it is due (absent otherwise, so a plain task's 202 is as it always was).
/// </summary>
public sealed record PublishedTask(
    string Id,
    int Dots,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? DueAt = null);
