using System.Net.Mime;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using WorkQueues.Producer.Publishing;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

/// <summary>The HTTP API that accepts tasks. Every 202 means the broker confirmed the persistent message.</summary>
public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("/", PostTaskAsync);
        tasks.MapPost("/batch", PostBatchAsync);
        return routes;
    }

    /// <summary><c>POST /tasks</c>: the body is the task text, <c>text/plain</c> in UTF-8.</summary>
    internal static async Task<Results<Accepted<PublishedTask>, ProblemHttpResult>> PostTaskAsync(
        HttpContext context, TaskPublisher publisher, IOptions<TaskOptions> limits, CancellationToken cancellationToken)
    {
        if (!IsContentType(context.Request, MediaTypeNames.Text.Plain, allowMissing: true))
        {
            return UnsupportedMediaType("Send the task as text/plain (UTF-8), e.g. curl -H 'Content-Type: text/plain' --data-binary 'First message.'");
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
            var published = await publisher.PublishAsync(validation.Task.Value, cancellationToken);
            return TypedResults.Accepted($"/tasks/{published.Id}", published);
        }
        catch (TaskPublishException ex)
        {
            return BrokerUnavailable(context, ex);
        }
    }

    /// <summary><c>POST /tasks/batch</c>: a JSON array of task strings, published with their confirms outstanding together.</summary>
    internal static async Task<Results<Accepted<IReadOnlyList<PublishedTask>>, ProblemHttpResult, ValidationProblem>> PostBatchAsync(
        HttpContext context,
        TaskPublisher publisher,
        IOptions<TaskOptions> limits,
        IOptions<ProducerOptions> producer,
        CancellationToken cancellationToken)
    {
        if (!IsContentType(context.Request, MediaTypeNames.Application.Json, allowMissing: false))
        {
            return UnsupportedMediaType("Send the batch as application/json: an array of task strings.");
        }

        string?[]? texts;
        try
        {
            texts = await JsonSerializer.DeserializeAsync(context.Request.Body, TaskJsonContext.Default.StringArray, cancellationToken);
        }
        catch (JsonException ex)
        {
            return InvalidTask($"The batch is not a JSON array of strings: {ex.Message}");
        }

        if (texts is null || texts.Length == 0)
        {
            return InvalidTask("The batch is empty: send a JSON array with at least one task string.");
        }

        if (texts.Length > producer.Value.MaxBatchSize)
        {
            return InvalidTask($"The batch has {texts.Length} tasks; the most one batch may have is {producer.Value.MaxBatchSize} (Producer:MaxBatchSize).");
        }

        var tasks = new TaskText[texts.Length];
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < texts.Length; i++)
        {
            var validation = TaskText.Validate(texts[i], limits.Value);
            if (validation.IsValid)
            {
                tasks[i] = validation.Task.Value;
            }
            else
            {
                errors[$"[{i}]"] = [validation.Error];
            }
        }

        if (errors.Count > 0)
        {
            // All or nothing: no task of a batch with a bad one is published.
            return TypedResults.ValidationProblem(errors, title: $"{errors.Count} of {texts.Length} tasks are invalid; none was queued.");
        }

        try
        {
            var published = await publisher.PublishManyAsync(tasks, cancellationToken);
            return TypedResults.Accepted((string?)null, published);
        }
        catch (TaskPublishException ex)
        {
            return BrokerUnavailable(context, ex);
        }
    }

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
