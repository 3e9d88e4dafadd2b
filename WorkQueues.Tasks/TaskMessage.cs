using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// The wire format, which is the tutorial's: the body is the task string in UTF-8 with no envelope, published
/// persistent to the default exchange with routing key <c>task_queue</c>.
/// </summary>
public static class TaskMessage
{
    public const string ContentType = "text/plain";
    public const string ContentEncoding = "utf-8";

    /// <summary>Creates a new task id: short, sortable by time, safe in URLs and headers.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public static BasicProperties CreateProperties(string id, DateTimeOffset now) => new()
    {
        MessageId = id,
        ContentType = ContentType,
        ContentEncoding = ContentEncoding,
        DeliveryMode = DeliveryModes.Persistent,
        Timestamp = new AmqpTimestamp(now.ToUnixTimeSeconds()),
    };

    /// <summary>The same task sent on again (to a retry, the dead-letter queue or back to task_queue): same id and
    /// time, persistent, with the given headers.</summary>
    public static BasicProperties CopyProperties(IReadOnlyBasicProperties original, IDictionary<string, object?>? headers) => new()
    {
        MessageId = original.MessageId,
        ContentType = original.ContentType,
        ContentEncoding = original.ContentEncoding,
        Timestamp = original.Timestamp,
        DeliveryMode = DeliveryModes.Persistent,
        Headers = headers,
    };
}
