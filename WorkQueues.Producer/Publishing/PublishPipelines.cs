using Polly;
using Polly.Retry;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// The publish's resilience, in two Polly pipelines. The whole budget of one request, retries included, is
/// <see cref="ProducerOptions.PublishTimeout"/>: one timeout per request, which a batch's tasks share. Within it, a
/// request whose tasks could not reach the broker (down, restarting, connection recovering) sends again those still
/// unconfirmed, together: at once, then after growing pauses. A request's first attempt runs outside the retry
/// pipeline: nearly every one succeeds at once, and each pipeline layer would otherwise hold async state of its own
/// through the whole wait for the confirm (measured: a seventh of the Producer's allocations under ingest,
/// docs/benchmarks.md).
/// </summary>
internal static class PublishPipelines
{
    public static ResiliencePipeline RequestTimeout(TimeSpan publishTimeout) =>
        new ResiliencePipelineBuilder().AddTimeout(publishTimeout).Build();

    public static ResiliencePipeline RetryWhileUnreachable() =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TaskPublishException>(ex => ex.IsTransient),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(1),
                MaxRetryAttempts = int.MaxValue,
            })
            .Build();
}
