using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>Reads the headers our messages carry, as any client may have written them.</summary>
public static class MessageHeaders
{
    /// <summary>
    /// A header's whole number, whichever of AMQP's integer types the sender chose (the client reads each as its own
    /// .NET type: a Python client's 3 arrives as a <see cref="long"/>, another's as a <see cref="byte"/>); null when
    /// absent or not an integer.
    /// </summary>
    public static long? IntegerOf(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                long l => l,
                int i => i,
                uint u => u,
                short s => s,
                ushort u => u,
                sbyte b => b,
                byte b => b,
                _ => null,
            }
            : null;
}
