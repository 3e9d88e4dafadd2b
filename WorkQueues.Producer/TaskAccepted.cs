namespace WorkQueues.Producer;

/// <summary>The body of a 202: the task's id and its seconds of work.</summary>
public sealed record TaskAccepted(string Id, int Dots);
