using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>
/// The tutorial's simulated work: each dot in the task is one <see cref="WorkerOptions.DotDuration"/>. As dots make a
/// task slow, <c>!fail</c> makes it fail on every attempt and <c>!failN</c> on its first N attempts, so retries
/// and dead letters can be tried by hand.
/// </summary>
public sealed partial class DotsWorkload(IOptions<WorkerOptions> options, TimeProvider time)
{
    public TimeSpan DurationOf(TaskText task) => options.Value.DotDuration * task.Dots;

    public async Task RunAsync(TaskText task, int attempt, CancellationToken cancellationToken)
    {
        var duration = DurationOf(task);
        if (duration > TimeSpan.Zero)
        {
            await Task.Delay(duration, time, cancellationToken);
        }

        if (FailsOnAttempt(task.Text, attempt))
        {
            throw new SimulatedTaskFailureException($"The task asked to fail (attempt {attempt}).");
        }
    }

    /// <summary>Whether the task's <c>!fail</c> marker makes this attempt fail.</summary>
    public static bool FailsOnAttempt(string text, int attempt)
    {
        var marker = FailMarker().Match(text);
        return marker.Success && (marker.Groups[1].Value is not { Length: > 0 } count || attempt <= int.Parse(count));
    }

    [GeneratedRegex(@"!fail(\d{0,3})\b")]
    private static partial Regex FailMarker();
}

/// <summary>The failure a task asked for with <c>!fail</c>.</summary>
public sealed class SimulatedTaskFailureException(string message) : Exception(message);
