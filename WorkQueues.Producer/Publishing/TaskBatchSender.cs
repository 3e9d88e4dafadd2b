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
        // Cancelled once the request has failed, whoever saw it first: no more parts, no more retries.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var retries = new List<Task>();
        Exception? refused = null;
        var sentAll = false;
        try
        {
            for (var start = 0; start < batch.Count && refused is null && !failed.IsCancellationRequested;)
            {
                var (count, confirms) = await SendPartAsync(batch, start, batch.Count - start, cancellationToken);
                TaskPublishException? logged = null;
                for (var i = 0; i < count; i++)
                {
                    if (confirms.FailureOf(i) is not { } failure)
                    {
                        continue;
                    }

                    var notConfirmed = TaskPublishException.NotConfirmedBecause(failure);
                    logged ??= notConfirmed is not null && IsWorthLogging(notConfirmed) ? notConfirmed : null;
                    if (notConfirmed is { IsTransient: true })
                    {
                        retries.Add(RetryAsync(batch, start + i, failed));
                    }
                    else
                    {
                        refused ??= notConfirmed ?? failure;
                    }
                }

                if (logged is not null)
                {
                    Log(logged, confirms.FailedCount);
                }

                start += count;
            }

            sentAll = refused is null;
        }
        finally
        {
            if (!sentAll)
            {
                // Refused, or out of time: the retries need not go on.
                await failed.CancelAsync();
            }

            // Out of time, refused or not, the retries end before the request does: none confirms a task after it failed.
            await Task.WhenAll(retries).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (refused is not null)
        {
            ExceptionDispatchInfo.Throw(refused);
        }

        // A retry refused for good (it cancelled the rest) or out of time: its failure is the request's.
        await Task.WhenAll(retries);
    }

    /// <summary>Sends up to <paramref name="most"/> tasks from <paramref name="start"/> and waits for the broker's answers; marks those confirmed.</summary>
    private async Task<(int Count, ConfirmGroup Confirms)> SendPartAsync(OutgoingTaskBatch batch, int start, int most, CancellationToken cancellationToken)
    {
        var count = await _window.TakeAsync(most, cancellationToken);
        var confirms = new ConfirmGroup(count);
        try
        {
            await SendAsync(new ArraySegment<OutgoingMessage>(batch.Messages, start, count), confirms, cancellationToken);
            await confirms.Settled.WaitAsync(cancellationToken);
            return (count, confirms);
        }
        finally
        {
            _window.Release(count);
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
    }

    private async Task SendAsync(ArraySegment<OutgoingMessage> part, ConfirmGroup confirms, CancellationToken cancellationToken)
    {
        try
        {
            // Mandatory: if task_queue (or a delay level) is missing the broker returns the messages.
            await channel.SendAsync(part, confirms, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The channel could not be opened (the broker is down, or its task_queue is of the other type): every task failed so.
            for (var i = 0; i < part.Count; i++)
            {
                confirms.Fail(i, ex);
            }
        }
    }

    private async Task RetryAsync(OutgoingTaskBatch batch, int index, CancellationTokenSource failed)
    {
        try
        {
            // Every attempt sends the same message id, so a duplicate left by a lost confirm can be recognised.
            await _retry.ExecuteAsync(
                static async (state, token) => await state.Sender.SendOneAsync(state.Batch, state.Index, token),
                (Sender: this, Batch: batch, Index: index),
                failed.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Refused for good: the request has failed, so the rest of it stops.
            await failed.CancelAsync();
            throw;
        }
    }

    private async ValueTask SendOneAsync(OutgoingTaskBatch batch, int index, CancellationToken cancellationToken)
    {
        var (_, confirms) = await SendPartAsync(batch, index, most: 1, cancellationToken);
        if (confirms.FailureOf(0) is { } failure)
        {
            var notConfirmed = TaskPublishException.NotConfirmedBecause(failure);
            if (notConfirmed is not null && IsWorthLogging(notConfirmed))
            {
                Log(notConfirmed, count: 1);
            }

            ExceptionDispatchInfo.Throw(notConfirmed ?? failure);
        }
    }

    /// <summary>A wrong queue type, or a broker that cannot be reached; a nack or a return is the request's answer, not the operator's concern.</summary>
    private static bool IsWorthLogging(TaskPublishException failure) =>
        failure.InnerException is TaskQueueTypeMismatchException || failure is { IsTransient: true, InnerException: not PublishException };

    private void Log(TaskPublishException failure, int count)
    {
        if (failure.InnerException is TaskQueueTypeMismatchException mismatch)
        {
            logger.LogError("{Mismatch}", mismatch.Message);
        }
        else
        {
            logger.LogWarning("Publishing failed: {Reason} ({Count} tasks)", failure.InnerException?.Message, count);
        }
    }

    public ValueTask DisposeAsync() => channel.DisposeAsync();
}
