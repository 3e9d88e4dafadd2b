namespace WorkQueues.Producer.Publishing;

/// <summary>
/// A task the broker has confirmed, and the body of its 202: its id (the message's <c>message_id</c>) and its seconds
/// of work.
/// </summary>
public sealed record PublishedTask(string Id, int Dots);
