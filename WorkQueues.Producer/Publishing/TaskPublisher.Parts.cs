using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// How a request's tasks are published: together on the shared channel, in parts of at most
/// <see cref="ProducerOptions.MaxPublishesInFlight"/>, each part waiting on one group of confirms rather than on a
/// completion per task (docs/benchmarks.md, fifteenth pass). A task the broker could not be reached for is then
/// tried again on its own, with Polly's backoff, until the request's time is up.
/// </summary>
public sealed partial class TaskPublisher
{
    // Taken by a part while it takes its permits, so two parts each holding some can never wait on each other.
    private readonly SemaphoreSlim _takingPermits = new(1, 1);

    private async Task PublishUntilConfirmedAsync(OutgoingTaskBatch batch, CancellationToken cancellationToken)
    {
        var retries = new List<Task>();
        Exception? refused = null;
        try
        {
            var partSize = options.Value.MaxPublishesInFlight;
            for (var start = 0; start < batch.Count; start += partSize)
            {
                var part = new ArraySegment<OutgoingMessage>(batch.Messages, start, Math.Min(partSize, batch.Count - start));
                var confirms = await PublishPartAsync(part, cancellationToken);
                TaskPublishException? lastFailure = null;
                for (var i = 0; i < part.Count; i++)
                {
                    if (confirms.FailureOf(i) is not { } failure)
                    {
                        batch.Confirmed(start + i);
                    }
                    else if ((lastFailure = TaskPublishException.NotConfirmedBecause(failure)) is { IsTransient: true })
                    {
                        retries.Add(RetryAsync(batch, start + i, cancellationToken));
                    }
                    else
                    {
                        refused ??= lastFailure ?? failure;
                    }
                }

                metrics.TasksPublished(part.Count - confirms.FailedCount);
                if (lastFailure is not null)
                {
                    LogNotConfirmed(lastFailure, confirms.FailedCount);
                }
            }
        }
        finally
        {
            // Out of time or refused, the retries still end before the request does: none confirms a task after it failed.
            await Task.WhenAll(retries).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (refused is not null)
        {
            throw refused;
        }

        await Task.WhenAll(retries);
    }

    private async Task<ConfirmGroup> PublishPartAsync(ArraySegment<OutgoingMessage> part, CancellationToken cancellationToken)
    {
        await TakePermitsAsync(part.Count, cancellationToken);
        try
        {
            // Mandatory: if task_queue (or a delay level) is missing the broker returns the messages.
            return await _channel.PublishManyAsync(part, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The channel could not be opened (the broker is down, or its task_queue is of the other type): every task failed so.
            var confirms = new ConfirmGroup(part.Count);
            for (var i = 0; i < part.Count; i++)
            {
                confirms.Fail(i, ex);
            }

            return confirms;
        }
        finally
        {
            _inFlight.Release(part.Count);
        }
    }

    private async Task TakePermitsAsync(int count, CancellationToken cancellationToken)
    {
        if (count == 1)
        {
            // One permit, taken or not: nothing to wait on each other with.
            await _inFlight.WaitAsync(cancellationToken);
            return;
        }

        await _takingPermits.WaitAsync(cancellationToken);
        var taken = 0;
        try
        {
            for (; taken < count; taken++)
            {
                await _inFlight.WaitAsync(cancellationToken);
            }
        }
        catch when (taken > 0)
        {
            _inFlight.Release(taken);
            throw;
        }
        finally
        {
            _takingPermits.Release();
        }
    }

    private async Task RetryAsync(OutgoingTaskBatch batch, int index, CancellationToken cancellationToken)
    {
        // Every attempt sends the same message id, so a duplicate left by a lost confirm can be recognised.
        await _retry.ExecuteAsync(
            static async (state, token) => await state.Publisher.PublishOnceAsync(state.Message, token),
            (Publisher: this, Message: batch.Messages[index]),
            cancellationToken);
        batch.Confirmed(index);
        metrics.TasksPublished(1);
    }
}
