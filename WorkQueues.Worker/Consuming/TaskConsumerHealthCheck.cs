using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorkQueues.Worker.Consuming;

/// <summary>A Worker is healthy only while it consumes <c>task_queue</c>: a live process that takes no tasks is not.</summary>
public sealed class TaskConsumerHealthCheck(TaskConsumer consumer) : IHealthCheck
{
    public const string Name = "task_consumer";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(consumer.IsConsuming
            ? HealthCheckResult.Healthy("Consuming task_queue.")
            : new HealthCheckResult(context.Registration.FailureStatus, "No live consumer on task_queue."));
}
