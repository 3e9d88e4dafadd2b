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
}
