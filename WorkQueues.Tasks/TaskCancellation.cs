using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// A request to cancel task <paramref name="Id"/>, made at <paramref name="At"/>: one message on the
/// <c>task_cancellations</c> stream (<see cref="StreamName"/>), a JSON object as its body. Every Worker reads the
/// stream from <see cref="Retention"/> ago when it starts, then follows it; so a cancel reaches every Worker, those
/// started after it included, for as long as the stream keeps it.
/// </summary>
public sealed record TaskCancellation(string Id, DateTimeOffset At)
{
    /// <summary>The stream of cancels; a RabbitMQ stream queue, read by any number of Workers without taking from it.</summary>
    public const string StreamName = "task_cancellations";

    /// <summary>
    /// How long a cancel is remembered: the stream's <c>x-max-age</c>, and how far back a starting Worker reads. Longer
    /// than <see cref="TaskDelayTopology.MaxDelay"/>, so a task cancelled the moment it was scheduled 7 days ahead is
    /// still cancelled when it falls due. Part of the stream's declaration: changing it means deleting the stream.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(8);

    /// <summary>The stream's size cap, a guard beside its age: about ten million cancels.</summary>
    public const long MaxStreamBytes = 1L << 30;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, TaskCancellationJsonContext.Default.TaskCancellation);

    /// <summary>The cancel in a message body; null for anything else (a foreign message on the stream).</summary>
    public static TaskCancellation? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TaskCancellationJsonContext.Default.TaskCancellation) is { Id.Length: > 0 } cancel ? cancel : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Declares the stream: durable, kept <see cref="Retention"/> (and at most <see cref="MaxStreamBytes"/>), in small
    /// segments so that what is older than its age is let go soon after.
    /// </summary>
    public static Task<QueueDeclareOk> DeclareStreamAsync(IChannel channel, CancellationToken cancellationToken = default) =>
        channel.QueueDeclareAsync(StreamName, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "stream",
            ["x-max-age"] = $"{Retention.TotalDays:0}D",
            ["x-max-length-bytes"] = MaxStreamBytes,
            ["x-stream-max-segment-size-bytes"] = 1_000_000,
        }, cancellationToken: cancellationToken);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskCancellation))]
internal sealed partial class TaskCancellationJsonContext : JsonSerializerContext;
