namespace WorkQueues.AppHost.Messaging;

/// <summary>No path to a broker can work on this machine; the message says how to fix that.</summary>
public sealed class BrokerUnavailableException(string message) : DistributedApplicationException(message);
