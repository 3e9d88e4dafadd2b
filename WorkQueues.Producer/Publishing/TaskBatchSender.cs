using System.Runtime.ExceptionServices;
using Polly;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Sends a request's tasks, one or a batch, on the shared channel until each is confirmed: together, in parts as large
/// as the <see cref="PublishWindow"/> has room for, each part waiting on one <see cref="ConfirmGroup"/>. A task the
/// broker could not be reached for is then tried again on its own, with Polly's backoff, until the request's time is
/// up; a task it returned or refused for good fails the request, and nothing more of it is sent or tried again.
/// </summary>
internal sealed class TaskBatchSender(ConfirmedChannel channel, int maxPublishesInFlight, ProducerMetrics metrics, ILogger logger) : IAsyncDisposable
{
    private readonly PublishWindow _window = new(maxPublishesInFlight);
    private readonly ResiliencePipeline _retry = PublishPipelines.RetryWhileUnreachable();

    public async Task SendUntilConfirmedAsync(OutgoingTaskBatch batch, CancellationToken cancellationToken)
    {
        using var stopRetrying = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var retries = new List<Task>();
        Exception? refused = null;
        try
        {
            for (var start = 0; start < batch.Count && refused is null;)
            {
                var (count, confirms) = await SendPartAsync(batch, start, batch.Count - start, cancellationToken);
                TaskPublishException? firstFailure = null;
                for (var i = 0; i < count; i++)
                {
                    if (confirms.FailureOf(i) is not { } failure)
                    {
                        continue;
                    }

                    var notConfirmed = TaskPublishException.NotConfirmedBecause(failure);
                    firstFailure ??= notConfirmed;
                    if (notConfirmed is { IsTransient: true })
                    {
                        retries.Add(RetryAsync(batch, start + i, stopRetrying.Token));
                    }
                    else
                    {
                        refused ??= notConfirmed ?? failure;
                    }
                }

                if (firstFailure is not null)
                {
                    LogNotConfirmed(firstFailure, confirms.FailedCount);
                }

                start += count;
            }
        }
        finally
        {
            if (refused is not null)
            {
                // The request fails whatever its retries do: they need not go on.
                await stopRetrying.CancelAsync();
            }

            // Out of time, refused or not, the retries end before the request does: none confirms a task after it failed.
            await Task.WhenAll(retries).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (refused is not null)
        {
            ExceptionDispatchInfo.Throw(refused);
        }

        await Task.WhenAll(retries);
    }

    /// <summary>Sends up to <paramref name="most"/> tasks from <paramref name="start"/> and waits for the broker's answers; marks those confirmed.</summary>
    private async Task<(int Count, ConfirmGroup Confirms)> SendPartAsync(OutgoingTaskBatch batch, int start, int most, CancellationToken cancellationToken)
    {
        var count = await _window.TakeAsync(most, cancellationToken);
        try
        {
            var confirms = await SendAsync(new ArraySegment<OutgoingMessage>(batch.Messages, start, count), cancellationToken);
            try
            {
                await confirms.Settled.WaitAsync(cancellationToken);
            }
            finally
            {
                // Out of time or not, what the broker has confirmed is accepted.
                var confirmed = 0;
                for (var i = 0; i < count; i++)
                {
                    if (confirms.IsConfirmed(i))
                    {
                        batch.MarkConfirmed(start + i);
                        confirmed++;
                    }
                }

                metrics.TasksPublished(confirmed);
            }

            return (count, confirms);
        }
        finally
        {
            _window.Release(count);
        }
    }

    private async Task<ConfirmGroup> SendAsync(ArraySegment<OutgoingMessage> part, CancellationToken cancellationToken)
    {
        try
        {
            // Mandatory: if task_queue (or a delay level) is missing the broker returns the messages.
            return await channel.SendAsync(part, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The channel could not be opened (the broker is down, or its task_queue is of the other type): every task failed so.
            var confirms = new ConfirmGroup(part.Count);
            for (var i = 0; i < part.Count; i++)
            {
                confirms.Fail(i, ex);
            }

            return confirms;
        }
    }

    private async Task RetryAsync(OutgoingTaskBatch batch, int index, CancellationToken cancellationToken) =>
        // Every attempt sends the same message id, so a duplicate left by a lost confirm can be recognised.
        await _retry.ExecuteAsync(
            static async (state, token) => await state.Sender.SendOneAsync(state.Batch, state.Index, token),
            (Sender: this, Batch: batch, Index: index),
            cancellationToken);

    private async ValueTask SendOneAsync(OutgoingTaskBatch batch, int index, CancellationToken cancellationToken)
    {
        var (_, confirms) = await SendPartAsync(batch, index, most: 1, cancellationToken);
        if (confirms.FailureOf(0) is { } failure)
        {
            var notConfirmed = TaskPublishException.NotConfirmedBecause(failure);
            if (notConfirmed is not null)
            {
                LogNotConfirmed(notConfirmed, count: 1);
            }

            ExceptionDispatchInfo.Throw(notConfirmed ?? failure);
        }
    }

    private void LogNotConfirmed(TaskPublishException failure, int count)
    {
        if (failure.InnerException is TaskQueueTypeMismatchException mismatch)
        {
            logger.LogError("{Mismatch}", mismatch.Message);
        }
        else if (failure.IsTransient && failure.InnerException is not PublishException)
        {
            logger.LogWarning("Publishing failed: {Reason} ({Count} tasks)", failure.InnerException?.Message, count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        _window.Dispose();
    }
}
