using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>One message to publish: where to, its properties and its body.</summary>
public readonly record struct OutgoingMessage(string Exchange, string RoutingKey, BasicProperties Properties, ReadOnlyMemory<byte> Body);
