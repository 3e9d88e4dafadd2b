using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// What a returned message is matched to its publish by (<see cref="OutstandingPublishes"/>): its message id, which
/// every message we send has. One without an id (another client's, forwarded), or with the id of one still
/// outstanding, carries its sequence number in RabbitMQ.Client's header instead, as RabbitMQ.Client's tracking would
/// put on every message; a copy's stale header of that name is dropped, so each message has one key only.
/// </summary>
public readonly record struct ReturnKey(string? MessageId, long Sequence)
{
    /// <summary>Gives the message its key, by id when <paramref name="idIsFree"/>, else by sequence number.</summary>
    public static ReturnKey Assign(BasicProperties properties, ulong sequence, bool idIsFree)
    {
        var headers = properties.Headers;
        if (!idIsFree || properties.MessageId is null)
        {
            properties.Headers = new Dictionary<string, object?>(headers ?? new Dictionary<string, object?>())
            {
                [Constants.PublishSequenceNumberHeader] = (long)sequence,
            };
            return new ReturnKey(null, (long)sequence);
        }

        if (headers?.ContainsKey(Constants.PublishSequenceNumberHeader) == true)
        {
            // A copy of a message sent with RabbitMQ.Client's tracking: its number there means nothing here.
            properties.Headers = new Dictionary<string, object?>(headers);
            properties.Headers.Remove(Constants.PublishSequenceNumberHeader);
        }

        return new ReturnKey(properties.MessageId, 0);
    }

    /// <summary>The key of a returned message: its sequence number when it carries one, else its id; none without either.</summary>
    public static ReturnKey? Of(IReadOnlyBasicProperties returned) =>
        MessageHeaders.IntegerOf(returned, Constants.PublishSequenceNumberHeader) is { } sequence ? new ReturnKey(null, sequence)
        : returned.MessageId is { } id ? new ReturnKey(id, 0)
        : null;
}
