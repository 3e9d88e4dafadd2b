using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkQueues.Producer.Security;
using WorkQueues.Producer.Status;

namespace WorkQueues.Producer.Api;

/// <summary>Where tasks are: one task, the recent ones, a live stream of changes, and the queue's depth.</summary>
public static class TaskStatusApi
{
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapTaskStatusApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/tasks").WithTags("Task status").RequireAuthorization(ProducerAccess.Tasks);
        tasks.MapGet("/{id}", Get);
        tasks.MapGet("/", List);
        tasks.MapGet("/events", Stream).AcceptCredentialsInQuery();
        routes.MapGet("/queue", GetQueue).WithTags("Task status").RequireAuthorization(ProducerAccess.Tasks);
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
                    $"state must be one of {string.Join(", ", Enum.GetValues<TaskState>().Select(s => JsonSerializer.Serialize(s, TaskJsonContext.Default.TaskState)))}.",
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid state");
            }

            wanted = parsed;
        }

        return TypedResults.Ok(board.List(wanted, limit ?? 100));
    }

    /// <summary><c>GET /tasks/events</c>: the live stream (<see cref="TaskEventStream"/>), 503 past Producer:MaxEventSubscribers.</summary>
    internal static Results<TaskEventStream, ProblemHttpResult> Stream(HttpContext context, TaskChangeFeed feed)
    {
        if (feed.TrySubscribe() is not { } subscription)
        {
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(
                "As many event streams are open as this Producer serves (Producer:MaxEventSubscribers); try again later.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many event streams");
        }

        return new TaskEventStream(subscription);
    }

    /// <summary><c>GET /queue</c>: the latest sample of task_queue, at most a second or so old when the broker is up.</summary>
    internal static Results<Ok<QueueDepth>, ProblemHttpResult> GetQueue(HttpContext context, QueueDepthSampler sampler)
    {
        if (sampler.Latest is { } depth)
        {
            return TypedResults.Ok(depth);
        }

        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem("task_queue has not been sampled yet: the broker is not reachable, or the Producer just started.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Queue depth unknown");
    }
}
