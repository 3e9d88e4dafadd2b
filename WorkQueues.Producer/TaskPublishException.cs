namespace WorkQueues.Producer;

/// <summary>The broker did not confirm a task: it is not accepted, and the caller may try again.</summary>
public sealed class TaskPublishException(string message, Exception? innerException = null) : Exception(message, innerException);
