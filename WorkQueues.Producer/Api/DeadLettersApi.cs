using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client;
using WorkQueues.Producer.Security;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

/// <summary>The tasks in <c>task_queue.dead</c>: list and peek them, and send them back for another round.</summary>
public static class DeadLettersApi
{
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder routes)
    {
        // Admin only: dead letters show whole task bodies, and requeueing moves messages.
        var deadLetters = routes.MapGroup("/dead-letters").WithTags("Dead letters").RequireAuthorization(ProducerAccess.Admin);
        deadLetters.MapGet("/", GetAsync);
        deadLetters.MapPost("/requeue", RequeueAsync)
            .RequireRateLimiting(ProducerSecurityExtensions.RateLimitPolicy)
            .RefuseCrossSiteRequests()
            .WithRequestSizeLimit(1_024);
        return routes;
    }

    /// <summary><c>GET /dead-letters?limit=20</c>: how many there are, and the oldest ones, left in place.</summary>
    internal static async Task<Results<Ok<DeadLetterPage>, ProblemHttpResult>> GetAsync(IConnection connection, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.Problem($"limit must be between 1 and {MaxLimit}.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit");
        }

        return TypedResults.Ok(await DeadLetters.PeekAsync(connection, limit ?? 20, cancellationToken));
    }

    /// <summary>
    /// <c>POST /dead-letters/requeue?limit=N</c>: moves dead letters back into task_queue, attempts reset: at most those
    /// that were there when it started, so tasks that fail again meanwhile are not moved round and round.
    /// </summary>
    internal static async Task<Results<Ok<RequeuedDeadLetters>, ProblemHttpResult>> RequeueAsync(IConnection connection, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1)
        {
            return TypedResults.Problem("limit must be at least 1.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid limit");
        }

        var moved = await DeadLetters.RequeueAsync(connection, limit ?? int.MaxValue, cancellationToken);
        return TypedResults.Ok(new RequeuedDeadLetters(moved));
    }
}

public sealed record RequeuedDeadLetters(int Requeued);
