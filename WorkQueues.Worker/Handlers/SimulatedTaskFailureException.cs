namespace WorkQueues.Worker.Handlers;

/// <summary>The failure a task asked for with <c>!fail</c>.</summary>
public sealed class SimulatedTaskFailureException(string message) : Exception(message);
