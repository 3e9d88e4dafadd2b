using System.Net;
using System.Text;
using System.Text.Json;
using WorkQueues.Tasks;
using static WorkQueues.IntegrationTests.Infrastructure.DashboardClient;

namespace WorkQueues.IntegrationTests;

/// <summary>Every task is one trace from request to ack, as the Aspire dashboard shows it.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TracingTests(AppHostFixture fixture)
{
    [Fact]
    public async Task One_trace_holds_request_send_deliver_process_and_ack_in_that_order()
    {
        var id = await fixture.App.PostTaskAsync($"Traced {Guid.NewGuid():N}.");

        var trace = await TraceOfAsync(id, spans => spans.Any(s => s.Name == "ack"));

        var http = Assert.Single(trace, s => s.Kind == SpanKind.Server && s.Name.StartsWith("POST", StringComparison.Ordinal));
        var send = Assert.Single(trace, s => s.Name == "send task_queue");
        var deliver = Assert.Single(trace, s => s.Name == "deliver task_queue");
        var process = Assert.Single(trace, s => s.Name == "process task");
        var ack = Assert.Single(trace, s => s.Name == "ack");

        Assert.Equal(http.SpanId, send.ParentSpanId);
        // The message carries the send span's context itself; RabbitMQ.Client's publish span is not recorded.
        Assert.Equal(send.SpanId, deliver.ParentSpanId);
        Assert.DoesNotContain(trace, s => s.Name.StartsWith("publish", StringComparison.Ordinal));
        Assert.Equal(deliver.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, ack.ParentSpanId);

        Assert.Equal("producer", http.Service);
        Assert.Equal("producer", send.Service);
        Assert.Equal("worker", process.Service);
        Assert.Equal(SpanKind.Producer, send.Kind);
        Assert.Equal(SpanKind.Consumer, deliver.Kind);
        Assert.Equal("rabbitmq", send.Attributes["messaging.system"]);
        Assert.Equal("task_queue", process.Attributes["messaging.destination.name"]);
        Assert.Equal(id, process.Attributes["messaging.message.id"]);
        Assert.Equal("1", process.Attributes["workqueues.task.dots"]);
        Assert.Equal("1", process.Attributes["workqueues.task.attempt"]);
        Assert.False(string.IsNullOrEmpty(process.Attributes["workqueues.worker.instance"]));
    }

    [Fact]
    public async Task A_batch_is_one_trace_whose_send_span_parents_every_task_delivery()
    {
        using var producer = fixture.App.CreateProducerClient();
        var json = JsonSerializer.Serialize(new[] { $"Batch traced {Guid.NewGuid():N}.", $"Batch traced {Guid.NewGuid():N}." });
        using var response = await producer.PostAsync("/tasks/batch", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.EnumerateArray().Select(task => task.GetProperty("id").GetString()!).ToList();

        var trace = await TraceOfAsync(ids[0], spans => spans.Count(s => s.Name == "ack") == 2);

        var send = Assert.Single(trace, s => s.Name == "send task_queue");
        Assert.Equal("2", send.Attributes["messaging.batch.message_count"]);
        var delivers = trace.Where(s => s.Name == "deliver task_queue").ToList();
        Assert.Equal(2, delivers.Count);
        Assert.All(delivers, deliver => Assert.Equal(send.SpanId, deliver.ParentSpanId));
        Assert.Equal(ids.Order(), trace.Where(s => s.Name == "process task").Select(s => s.Attributes["messaging.message.id"]).Order());
        Assert.DoesNotContain(trace, s => s.Name.StartsWith("publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_attempt_has_an_error_process_span_and_the_retry_stays_in_the_trace()
    {
        var id = await fixture.App.PostTaskAsync($"Fails once {Guid.NewGuid():N} !fail1");

        var trace = await TraceOfAsync(id, spans => spans.Count(s => s.Name == "process task") >= 2 && spans.Any(s => s.Name == "ack" && s.StatusCode != 2));

        var attempts = trace.Where(s => s.Name == "process task").OrderBy(s => s.Attributes["workqueues.task.attempt"]).ToList();
        Assert.Equal(2, attempts[0].StatusCode); // Error
        Assert.Equal("1", attempts[0].Attributes["workqueues.task.attempt"]);
        Assert.NotEqual(2, attempts[1].StatusCode);
        Assert.Equal("2", attempts[1].Attributes["workqueues.task.attempt"]);

        // The first attempt's copy is sent in a span of the Worker's own, which the second attempt's delivery follows.
        var forward = Assert.Single(trace, s => s.Name.StartsWith("send task_queue.retry.", StringComparison.Ordinal));
        Assert.Equal(attempts[0].SpanId, forward.ParentSpanId);
        Assert.Equal(SpanKind.Producer, forward.Kind);
        Assert.Equal(id, forward.Attributes["messaging.message.id"]);
        Assert.Equal(forward.Name["send ".Length..], forward.Attributes["messaging.destination.name"]);
        var secondDelivery = Assert.Single(trace, s => s.SpanId == attempts[1].ParentSpanId);
        Assert.Equal("deliver task_queue", secondDelivery.Name);
        Assert.Equal(forward.SpanId, secondDelivery.ParentSpanId);
        Assert.DoesNotContain(trace, s => s.Name.StartsWith("publish", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Task_events_make_no_traces_of_their_own()
    {
        using var producer = fixture.App.CreateProducerClient();
        var id = await fixture.App.PostTaskAsync($"Events untraced {Guid.NewGuid():N}.");
        // The Producer learns of the completion only from the Worker's events, so they have been sent by then.
        await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await producer.GetStringAsync($"/tasks/{id}")).RootElement.GetProperty("state").GetString(),
            state => state == "completed",
            TimeSpan.FromSeconds(30),
            "the task to be reported completed");
        await TraceOfAsync(id, spans => spans.Any(s => s.Name == "ack"));

        // Neither service records RabbitMQ.Client's publish spans, and the events (and each Worker's stream marker)
        // carry the untraced context, whose deliveries nobody records: each batch of events was a trace of its own.
        var spans = await fixture.App.Dashboard.GetSpansAsync();
        Assert.DoesNotContain(spans, s => s.Name.StartsWith("publish", StringComparison.Ordinal));
        Assert.DoesNotContain(spans, s => s.TraceId == MessageTraceContext.UntracedTraceId.ToHexString());
        Assert.DoesNotContain(spans, s => s.Kind == SpanKind.Consumer && s.Name is "deliver " or "deliver" or "deliver task_cancellations" && s.ParentSpanId == "");
    }

    [Fact]
    public async Task A_task_from_a_foreign_client_starts_its_own_trace_in_the_worker()
    {
        var messageId = $"foreign-{Guid.NewGuid():N}";
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = fixture.App.BrokerUri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // No traceparent header, as from pika or any client without tracing.
            var properties = new RabbitMQ.Client.BasicProperties { MessageId = messageId, Headers = null };
            await channel.BasicPublishAsync(string.Empty, "task_queue", mandatory: false, properties, Encoding.UTF8.GetBytes("Foreign task."));
        }

        var trace = await TraceOfAsync(messageId, spans => spans.Any(s => s.Name == "ack"));

        var deliver = Assert.Single(trace, s => s.Name == "deliver task_queue");
        var process = Assert.Single(trace, s => s.Name == "process task");
        var ack = Assert.Single(trace, s => s.Name == "ack");
        Assert.Equal("", deliver.ParentSpanId);
        Assert.Equal(deliver.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, ack.ParentSpanId);
        Assert.DoesNotContain(trace, s => s.Service == "producer");
    }

    /// <summary>The spans of the trace whose spans carry this message id, once <paramref name="complete"/> holds.</summary>
    private Task<List<Span>> TraceOfAsync(string messageId, Func<List<Span>, bool> complete) =>
        Eventually.ReturnsAsync(
            async () =>
            {
                var spans = await fixture.App.Dashboard.GetSpansAsync();
                var traceIds = spans
                    .Where(s => s.Attributes.TryGetValue("messaging.message.id", out var value) && value == messageId)
                    .Select(s => s.TraceId)
                    .Distinct()
                    .ToList();
                return traceIds.Count == 1 ? spans.Where(s => s.TraceId == traceIds[0]).ToList() : [];
            },
            complete,
            TimeSpan.FromSeconds(45),
            $"the trace of task {messageId}");
}
