using System.Net.Mime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Security;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

/// <summary>The HTTP API that accepts tasks. Every 202 means the broker confirmed the persistent message.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/tasks").WithTags("Tasks")
            .RequireAuthorization(ProducerAccess.Tasks)
            .RequireRateLimiting(ProducerSecurityExtensions.RateLimitPolicy)
            .RefuseCrossSiteRequests();
        // The handler reads at most Tasks:MaxBytes + 1 of a task; the server takes in up to this much more and discards
        // it, so a client still sending an oversized task gets its 400, not a reset connection. Past it, Kestrel cuts.
        var taskBodyLimit = Math.Max(1024 * 1024, 8L * routes.ServiceProvider.GetRequiredService<IOptions<TaskOptions>>().Value.MaxBytes);
        tasks.MapPost("/", PostTaskAsync).WithRequestSizeLimit(taskBodyLimit);
        tasks.MapPost("/batch", PostBatchAsync)
            .WithRequestSizeLimit(routes.ServiceProvider.GetRequiredService<IOptions<ProducerOptions>>().Value.MaxBatchBytes);
        return routes;
    }

    /// <summary>
    /// <c>POST /tasks?delay=&amp;notBefore=&amp;timeout=</c>: the body is the task text, <c>text/plain</c> in UTF-8; the
    /// query may schedule it and limit each attempt's time (<see cref="TaskControls"/>).
    /// </summary>
    internal static async Task<Results<Accepted<PublishedTask>, ProblemHttpResult>> PostTaskAsync(
        HttpContext context, TaskPublisher publisher, IOptions<TaskOptions> limits, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!IsContentType(context.Request, MediaTypeNames.Text.Plain, allowMissing: true))
        {
            return UnsupportedMediaType("Send the task as text/plain (UTF-8), e.g. curl -H 'Content-Type: text/plain' --data-binary 'First message.'");
        }

        if (!TryReadControls(context.Request, time, out var controls, out var refusal))
        {
            return refusal;
        }

        var body = await RequestBody.ReadAsync(context.Request, limits.Value.MaxBytes, cancellationToken);
        var validation = body is null
            ? TaskValidation.Invalid($"The task is larger than {limits.Value.MaxBytes} bytes (Tasks:MaxBytes).")
            : TaskText.Validate(body, limits.Value);
        if (!validation.IsValid)
        {
            return InvalidTask(validation.Error);
        }

        try
        {
            var published = await publisher.PublishAsync(validation.Task.Value, controls, cancellationToken);
            return TypedResults.Accepted($"/tasks/{published.Id}", published);
        }
        catch (TaskPublishException ex)
        {
            return BrokerUnavailable(context, ex);
        }
    }

    /// <summary>
    /// <c>POST /tasks/batch</c>: a JSON array of task strings (<see cref="TaskBatch"/>), published with their confirms
    /// outstanding together.
    /// </summary>
    internal static async Task<Results<Accepted<IReadOnlyList<PublishedTask>>, ProblemHttpResult, ValidationProblem>> PostBatchAsync(
        HttpContext context,
        TaskPublisher publisher,
        IOptions<TaskOptions> limits,
        IOptions<ProducerOptions> producer,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!IsContentType(context.Request, MediaTypeNames.Application.Json, allowMissing: false))
        {
            return UnsupportedMediaType("Send the batch as application/json: an array of task strings.");
        }

        // One schedule and one time limit for the whole batch.
        if (!TryReadControls(context.Request, time, out var controls, out var refusal))
        {
            return refusal;
        }

        TaskBatch batch;
        try
        {
            batch = await TaskBatch.ReadAsync(context.Request.Body, producer.Value.MaxBatchSize, limits.Value, cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(
                $"The batch is larger than {producer.Value.MaxBatchBytes} bytes (Producer:MaxBatchBytes); nothing was queued.",
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Batch too large");
        }

        if (batch.Refusal is not null)
        {
            return InvalidTask(batch.Refusal);
        }

        if (batch.Errors.Count > 0)
        {
            // All or nothing: no task of a batch with a bad one is published.
            return TypedResults.ValidationProblem(batch.Errors, title: $"{batch.Errors.Count} of {batch.Count} tasks are invalid; none was queued.");
        }

        try
        {
            var published = await publisher.PublishManyAsync(batch.Tasks, controls, cancellationToken);
            return TypedResults.Accepted((string?)null, published);
        }
        catch (TaskPublishException ex)
        {
            return BrokerUnavailable(context, ex);
        }
    }

    /// <summary>The <c>delay</c>, <c>notBefore</c> and <c>timeout</c> query parameters, or a 400 saying what is wrong.</summary>
    private static bool TryReadControls(HttpRequest request, TimeProvider time, out TaskControls controls, out ProblemHttpResult refusal)
    {
        var query = request.Query;
        // A parameter given twice is ambiguous: refused rather than one picked.
        if (new[] { "delay", "notBefore", "timeout" }.FirstOrDefault(name => query[name].Count > 1) is { } repeated)
        {
            (controls, refusal) = (TaskControls.None, InvalidControls($"{repeated} is given more than once."));
            return false;
        }

        if (TaskControls.TryParse(query["delay"], query["notBefore"], query["timeout"], time.GetUtcNow(), out controls, out var error))
        {
            refusal = null!;
            return true;
        }

        refusal = InvalidControls(error);
        return false;
    }

    private static ProblemHttpResult InvalidControls(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid schedule or time limit");

    private static bool IsContentType(HttpRequest request, string expected, bool allowMissing)
    {
        if (string.IsNullOrEmpty(request.ContentType))
        {
            return allowMissing;
        }

        return MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            && contentType.MediaType.Equals(expected, StringComparison.OrdinalIgnoreCase)
            && (contentType.Charset.Length == 0 || contentType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static ProblemHttpResult InvalidTask(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid task");

    private static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type");

    private static ProblemHttpResult BrokerUnavailable(HttpContext context, TaskPublishException ex)
    {
        context.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Task not queued: the broker did not confirm it");
    }
}
