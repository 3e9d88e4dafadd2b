using System.Diagnostics;
using RabbitMQ.Client;

namespace WorkQueues.Tasks;

/// <summary>
/// The trace context a message carries in its headers (W3C <c>traceparent</c>, and <c>tracestate</c> when there is
/// one), written through the process's <see cref="DistributedContextPropagator"/> as RabbitMQ.Client's own injector
/// writes it, so the consumer's <c>deliver</c> span (RabbitMQ.Client's) continues the sender's trace. The services
/// write it from their own <c>send</c> spans instead of listening to RabbitMQ.Client's publish spans: one span a
/// message less, and a batch computes its headers once for all its messages (docs/benchmarks.md, fifth pass).
/// </summary>
public sealed class MessageTraceContext
{
    private readonly KeyValuePair<string, object?>[] _headers;

    private MessageTraceContext(KeyValuePair<string, object?>[] headers) => _headers = headers;

    /// <summary>
    /// The trace the services put their own traffic in that belongs to no task (task events, a Worker's stream marker),
    /// whose every delivery would otherwise be a trace of its own: a fixed id, so that a receiving service recognises it
    /// and records nothing in it (ServiceDefaults), whatever its sampler.
    /// </summary>
    public static readonly ActivityTraceId UntracedTraceId = ActivityTraceId.CreateFromString("776f726b7175657565732d756e747261");

    /// <summary>
    /// A context in <see cref="UntracedTraceId"/> with the sampled flag off: a consumer that samples by its parent
    /// (OpenTelemetry's default) records no span for it either.
    /// </summary>
    public static MessageTraceContext Untraced { get; } = new(
        [new("traceparent", $"00-{UntracedTraceId.ToHexString()}-776f726b71756575-00")]);

    /// <summary>The context of <paramref name="activity"/>, or none when there is no span (tracing off or sampled out).</summary>
    public static MessageTraceContext? Of(Activity? activity)
    {
        if (activity is null)
        {
            return null;
        }

        var headers = new List<KeyValuePair<string, object?>>(2);
        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
            ((List<KeyValuePair<string, object?>>)carrier!).Add(new(name, value)));
        return headers.Count == 0 ? null : new MessageTraceContext([.. headers]);
    }

    /// <summary>
    /// The span context a message carries (<c>traceparent</c>, and <c>tracestate</c>), read through the process's
    /// propagator as a consumer reads it; none when it carries no readable one. A header arrives as bytes.
    /// </summary>
    public static ActivityContext? ContextOf(IReadOnlyBasicProperties properties)
    {
        if (properties.Headers is not { Count: > 0 } headers)
        {
            return null;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = ((IDictionary<string, object?>)carrier!).TryGetValue(name, out var raw)
                ? raw switch { byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes), string text => text, _ => null }
                : null;
        }, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : null;
    }

    /// <summary>Adds the context to the message's headers, creating them if it has none.</summary>
    public void WriteTo(BasicProperties properties)
    {
        var headers = properties.Headers ??= new Dictionary<string, object?>(_headers.Length + 1);
        foreach (var (name, value) in _headers)
        {
            headers[name] = value;
        }
    }
}
