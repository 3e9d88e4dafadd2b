using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client;
using WorkQueues.Producer.Status;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

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

    internal static Results<Ok<TrackedTask>, ProblemHttpResult> Get(string id, TaskBoard board) =>
        board.Find(id) is { } status
            ? TypedResults.Ok(status)
            : TypedResults.Problem(
                $"No task '{id}' is known here: never queued, or older than the most recent tasks this Producer keeps.",
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown task");

    /// <summary><c>GET /tasks?state=running&amp;limit=100</c>: the newest tasks first, optionally in one state.</summary>
    internal static Results<Ok<IReadOnlyList<TrackedTask>>, ProblemHttpResult> List(TaskBoard board, string? state, int? limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.Problem($"limit must be between 1 and {MaxLimit}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit");
        }

        TaskState? wanted = null;
        if (state is not null)
        {
            if (!TaskStates.TryParse(state, out var parsed))
            {
                return TypedResults.Problem(
                    $"state must be one of {string.Join(", ", Enum.GetValues<TaskState>().Select(s => JsonSerializer.Serialize(s)))}.",
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid state");
            }

            wanted = parsed;
        }

        return TypedResults.Ok(board.List(wanted, limit ?? 100));
    }

    /// <summary><c>GET /tasks/events</c>: Server-Sent Events, a <c>ready</c> event, then one <c>task</c> event per change.</summary>
    internal static ServerSentEventsResult<TrackedTask?> Stream(TaskBoard board, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ChangesAsync(board, cancellationToken));

    private static async IAsyncEnumerable<SseItem<TrackedTask?>> ChangesAsync(TaskBoard board, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = board.Subscribe();
        // Sent at once, after subscribing: the response starts, and a client knows it will miss nothing from here on.
        yield return new SseItem<TrackedTask?>(null, "ready");
        await foreach (var change in subscription.ReadAllAsync(cancellationToken))
        {
            yield return new SseItem<TrackedTask?>(change, "task");
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
