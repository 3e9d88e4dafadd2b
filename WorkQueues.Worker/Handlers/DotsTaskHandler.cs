using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Handlers;

/// <summary>
/// The tutorial's simulated work, and the default handler: each dot in the task is one
/// <see cref="WorkerOptions.DotDuration"/>. As dots make a task slow, <c>!fail</c> makes it fail on every attempt and
/// <c>!failN</c> on its first N attempts, so retries and dead letters can be tried by hand.
/// </summary>
public sealed partial class DotsTaskHandler(IOptions<WorkerOptions> options, TimeProvider time) : ITaskHandler
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public TimeSpan DurationOf(string text) => options.Value.DotDuration * TaskText.CountDots(text);

    public async Task HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        // A task without dots completes synchronously: no timer, no thread hop.
        var duration = DurationOf(task.Text);
        var started = time.GetTimestamp();
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed = time.GetElapsedTime(started))
        {
            await Task.Delay(Min(duration - elapsed, ProgressInterval), time, cancellationToken);
            var done = time.GetElapsedTime(started);
            if (done < duration)
            {
                task.Progress.Report(done / duration);
            }
        }

        if (FailsOnAttempt(task.Text, task.Attempt))
        {
            throw new SimulatedTaskFailureException($"The task asked to fail (attempt {task.Attempt}).");
        }
    }

    /// <summary>Whether the task's <c>!fail</c> marker makes this attempt fail.</summary>
    public static bool FailsOnAttempt(string text, int attempt)
    {
        var marker = FailMarker().Match(text);
        return marker.Success && (marker.Groups[1].Value is not { Length: > 0 } count || attempt <= int.Parse(count));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [GeneratedRegex(@"!fail(\d{0,3})\b")]
    private static partial Regex FailMarker();
}
