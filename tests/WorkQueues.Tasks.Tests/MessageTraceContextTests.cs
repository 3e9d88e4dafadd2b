using System.Diagnostics;
using RabbitMQ.Client;

namespace WorkQueues.Tasks.Tests;

public sealed class MessageTraceContextTests
{
    [Fact]
    public void The_untraced_context_is_in_the_untraced_trace_and_not_sampled()
    {
        var properties = new BasicProperties();
        MessageTraceContext.Untraced.WriteTo(properties);

        var traceparent = Assert.IsType<string>(properties.Headers!["traceparent"]);
        Assert.True(ActivityContext.TryParse(traceparent, null, out var context));
        Assert.Equal(MessageTraceContext.UntracedTraceId, context.TraceId);
        Assert.Equal(ActivityTraceFlags.None, context.TraceFlags);
    }

    [Fact]
    public void A_span_context_is_written_as_traceparent_beside_the_headers_already_there()
    {
        using var activity = new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["x-attempt"] = 2 } };

        MessageTraceContext.Of(activity)!.WriteTo(properties);

        Assert.Equal(2, properties.Headers["x-attempt"]);
        Assert.Equal(activity.Id, properties.Headers["traceparent"]);
    }

    [Fact]
    public void No_span_no_context() => Assert.Null(MessageTraceContext.Of(null));

    [Fact]
    public void The_context_written_is_read_back_from_the_bytes_a_consumer_receives()
    {
        using var activity = new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();
        var written = new BasicProperties();
        MessageTraceContext.Of(activity)!.WriteTo(written);
        var received = new BasicProperties
        {
            Headers = written.Headers!.ToDictionary(h => h.Key, h => (object?)System.Text.Encoding.UTF8.GetBytes((string)h.Value!)),
        };

        var context = MessageTraceContext.ContextOf(received);

        Assert.Equal((activity.TraceId, activity.SpanId), (context?.TraceId, context?.SpanId));
        Assert.Equal(context, MessageTraceContext.ContextOf(written));
    }

    [Fact]
    public void A_message_without_a_readable_traceparent_has_no_context()
    {
        Assert.Null(MessageTraceContext.ContextOf(new BasicProperties()));
        Assert.Null(MessageTraceContext.ContextOf(new BasicProperties { Headers = new Dictionary<string, object?> { ["traceparent"] = "not a traceparent"u8.ToArray() } }));
        Assert.Null(MessageTraceContext.ContextOf(new BasicProperties { Headers = new Dictionary<string, object?> { ["x-attempt"] = 2 } }));
    }
}
