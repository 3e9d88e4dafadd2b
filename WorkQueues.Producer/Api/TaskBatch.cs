using System.Text.Json;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Api;

/// <summary>
/// A <c>POST /tasks/batch</c> body read as a stream: one task string at a time, each validated as it comes, and the
/// reading stopped as soon as the batch has one task more than it may. A batch far too large is refused having cost
/// the Producer no more than <c>Producer:MaxBatchSize</c> tasks' worth of memory.
/// </summary>
internal sealed record TaskBatch(IReadOnlyList<TaskText> Tasks, int Count, IReadOnlyDictionary<string, string[]> Errors, string? Refusal)
{
    public static async Task<TaskBatch> ReadAsync(Stream body, int maxCount, TaskOptions limits, CancellationToken cancellationToken)
    {
        var tasks = new List<TaskText>();
        var errors = new Dictionary<string, string[]>();
        var count = 0;
        try
        {
            await foreach (var text in JsonSerializer.DeserializeAsyncEnumerable(body, TaskJsonContext.Default.String, cancellationToken))
            {
                if (++count > maxCount)
                {
                    return Refused($"The batch has more than {maxCount} tasks, the most one batch may have (Producer:MaxBatchSize).");
                }

                var validation = TaskText.Validate(text, limits);
                if (validation.IsValid)
                {
                    tasks.Add(validation.Task.Value);
                }
                else
                {
                    errors[$"[{count - 1}]"] = [validation.Error];
                }
            }
        }
        catch (JsonException ex)
        {
            return Refused($"The batch is not a JSON array of strings: {ex.Message}");
        }

        return count == 0
            ? Refused("The batch is empty: send a JSON array with at least one task string.")
            : new TaskBatch(tasks, count, errors, null);
    }

    private static TaskBatch Refused(string reason) => new([], 0, new Dictionary<string, string[]>(), reason);
}
