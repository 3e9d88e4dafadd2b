using Microsoft.Extensions.Options;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>The tutorial's simulated work: each dot in the task is one <see cref="WorkerOptions.DotDuration"/>.</summary>
public sealed class DotsWorkload(IOptions<WorkerOptions> options, TimeProvider time)
{
    public TimeSpan DurationOf(TaskText task) => options.Value.DotDuration * task.Dots;

    public Task RunAsync(TaskText task, CancellationToken cancellationToken)
    {
        var duration = DurationOf(task);
        return duration == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(duration, time, cancellationToken);
    }
}
