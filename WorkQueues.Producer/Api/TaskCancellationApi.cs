using Microsoft.AspNetCore.Http.HttpResults;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Security;
using WorkQueues.Producer.Status;

namespace WorkQueues.Producer.Api;

/// <summary>
/// <c>DELETE /tasks/{id}</c>: cancels a task that has not finished. The cancel is recorded on the
/// <c>task_cancellations</c> stream, so it holds on every Worker, those started later included: a scheduled or queued
/// task is acked unrun when it is delivered, a running one has its handler's token fired.
/// </summary>
public static class TaskCancellationApi
{
    public static IEndpointRouteBuilder MapTaskCancellationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapDelete("/tasks/{id}", CancelAsync).WithTags("Tasks")
            .RequireAuthorization(ProducerAccess.Tasks)
            .RequireRateLimiting(ProducerSecurityExtensions.RateLimitPolicy)
            .RefuseCrossSiteRequests();
        return routes;
    }

    /// <summary>202 once the broker confirmed the cancel; 404 for a task no replica knows; 409 for one already finished.</summary>
    internal static async Task<Results<Accepted<CancelRecorded>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext context, TaskBoard board, TaskCancellationPublisher cancellations, CancellationToken cancellationToken)
    {
        if (board.Find(id) is not { } task)
        {
            return TypedResults.Problem(
                $"No task '{id}' is known: never accepted, or older than the most recent tasks a Producer keeps (Producer:TrackedTasks).",
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown task");
        }

        if (task.State.IsFinished())
        {
            return TypedResults.Problem(
                $"Task '{id}' has already finished ({task.State.ToWire()}); it stays as it was.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Task already finished");
        }

        try
        {
            var cancel = await cancellations.PublishAsync(id, cancellationToken);
            board.CancelRequested(id, cancel.At);
            return TypedResults.Accepted($"/tasks/{id}", new CancelRecorded(id, cancel.At));
        }
        catch (TaskPublishException ex)
        {
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cancel not recorded: the broker did not confirm it");
        }
    }
}

/// <summary>The body of a cancel's 202: the task, and when the cancel was recorded.</summary>
public sealed record CancelRecorded(string Id, DateTimeOffset CancelRequestedAt);
