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

    /// <summary>
    /// A task with controls: its due time and time limit travel as headers (<see cref="TaskQueueTopology.DueAtHeader"/>,
    /// <see cref="TaskQueueTopology.TimeoutHeader"/>). A task without any carries no headers, as the tutorial's.
    /// </summary>
    public static BasicProperties CreateProperties(string id, DateTimeOffset now, TaskControls controls)
    {
        var properties = CreateProperties(id, now);
        if (controls.DueAt is not null || controls.Timeout is not null)
        {
            properties.Headers = new Dictionary<string, object?>();
            if (controls.DueAt is { } due)
            {
                properties.Headers[TaskQueueTopology.DueAtHeader] = due.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }

            if (controls.Timeout is { } timeout)
            {
                properties.Headers[TaskQueueTopology.TimeoutHeader] = (long)Math.Ceiling(timeout.TotalMilliseconds);
            }
        }

        return properties;
    }

    /// <summary>Where a task is published: <c>task_queue</c> through the default exchange, or the delay levels' entry.</summary>
    public static (string Exchange, string RoutingKey) DestinationOf(TaskControls controls) =>
        controls.DelaySeconds is { } seconds
            ? (TaskDelayTopology.EntryExchangeName, TaskDelayTopology.RoutingKey(seconds))
            : (string.Empty, TaskQueueTopology.QueueName);

    /// <summary>
    /// The time limit a delivery's headers ask for, if any and readable, at most <see cref="TaskControls.MaxTimeout"/>:
    /// another client's message may ask for more than a timer can hold.
    /// </summary>
    public static TimeSpan? TimeoutOf(IReadOnlyBasicProperties properties) =>
        MessageHeaders.IntegerOf(properties, TaskQueueTopology.TimeoutHeader) is > 0 and var ms
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)TaskControls.MaxTimeout.TotalMilliseconds))
            : null;

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
