using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.Producer;

/// <summary>Where tasks are: one task, the recent ones, a live stream of changes, and the queue's depth.</summary>
public static class TaskStatusApi
{
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapTaskStatusApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/tasks").WithTags("Task status");
        tasks.MapGet("/{id}", Get);
        tasks.MapGet("/", List);
        tasks.MapGet("/events", Stream);
        routes.MapGet("/queue", GetQueueAsync).WithTags("Task status");
        return routes;
    }

    internal static Results<Ok<TaskStatus>, ProblemHttpResult> Get(string id, TaskBoard board) =>
        board.Find(id) is { } status
            ? TypedResults.Ok(status)
            : TypedResults.Problem(
                $"No task '{id}' is known here: never queued, or older than the most recent tasks this Producer keeps.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown task");

    internal static Results<Ok<IReadOnlyList<TaskStatus>>, ProblemHttpResult> List(TaskBoard board, string? state, int? limit) =>
        limit is < 1 or > MaxLimit
            ? TypedResults.Problem($"limit must be between 1 and {MaxLimit}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit")
            : TypedResults.Ok(board.List(state, limit ?? 100));

    /// <summary><c>GET /tasks/events</c>: Server-Sent Events, a <c>ready</c> event, then one <c>task</c> event per change.</summary>
    internal static ServerSentEventsResult<TaskStatus?> Stream(TaskBoard board, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ChangesAsync(board, cancellationToken));

    private static async IAsyncEnumerable<SseItem<TaskStatus?>> ChangesAsync(TaskBoard board, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = board.Subscribe();
        // Sent at once, after subscribing: the response starts, and a client knows it will miss nothing from here on.
        yield return new SseItem<TaskStatus?>(null, "ready");
        await foreach (var change in subscription.ReadAllAsync(cancellationToken))
        {
            yield return new SseItem<TaskStatus?>(change, "task");
        }
    }

    internal static async Task<Ok<QueueDepth>> GetQueueAsync(IConnection connection, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = await channel.DeclareTaskQueueAsync(cancellationToken);
        return TypedResults.Ok(new QueueDepth(queue.MessageCount, queue.ConsumerCount));
    }
}

public sealed record QueueDepth(uint Ready, uint Consumers);
