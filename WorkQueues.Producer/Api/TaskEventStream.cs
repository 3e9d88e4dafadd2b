using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WorkQueues.Producer.Status;

namespace WorkQueues.Producer.Api;

/// <summary>
/// <c>GET /tasks/events</c> as Server-Sent Events: a <c>ready</c> event once subscribed, one <c>task</c> event per
/// change, and a <c>: keep-alive</c> comment whenever the stream has been quiet for <see cref="ProducerOptions.EventKeepAlive"/>
/// (SSE comments, which <c>TypedResults.ServerSentEvents</c> cannot write). Ends when the client leaves, or when the
/// feed drops it for falling behind.
/// </summary>
internal sealed class TaskEventStream(TaskChangeFeed.Subscription subscription) : IResult
{
    private static readonly byte[] Ready = "event: ready\ndata: null\n\n"u8.ToArray();
    private static readonly byte[] TaskPrefix = "event: task\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        using var _ = subscription;
        var json = (JsonTypeInfo<TrackedTask>)context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(TrackedTask));
        var keepAlive = context.RequestServices.GetRequiredService<IOptions<ProducerOptions>>().Value.EventKeepAlive;
        var cancellationToken = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        var body = context.Response.BodyWriter;

        try
        {
            // Sent at once, after subscribing: the response starts, and a client knows it will miss nothing from here on.
            await body.WriteAsync(Ready, cancellationToken);
            while (true)
            {
                using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    quiet.CancelAfter(keepAlive);
                    try
                    {
                        if (!await subscription.Reader.WaitToReadAsync(quiet.Token))
                        {
                            return; // dropped for falling behind: the browser reconnects and starts afresh
                        }
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        await body.WriteAsync(KeepAlive, cancellationToken);
                        continue;
                    }
                }

                while (subscription.Reader.TryRead(out var change))
                {
                    body.Write(TaskPrefix);
                    // One line: compact JSON escapes every line break inside strings.
                    body.Write(JsonSerializer.SerializeToUtf8Bytes(change, json));
                    body.Write(EventEnd);
                }

                await body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
