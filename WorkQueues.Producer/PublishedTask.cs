namespace WorkQueues.Producer;

/// <summary>A task the broker has confirmed: its id (the message's <c>message_id</c>) and its seconds of work.</summary>
public sealed record PublishedTask(string Id, int Dots);
