using System.Runtime.ExceptionServices;
using Polly;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Producer.Publishing;

/// <summary>
/// Sends a request's tasks, one or a batch, on the shared channel until each is confirmed: in order, in parts as large
/// as the <see cref="PublishWindow"/> has room for, each part waiting on one <see cref="ConfirmGroup"/>. When a part's
/// tasks could not reach the broker (or were nacked), the request pauses: with Polly's backoff, until the request's
/// time is up, it sends again what is still unconfirmed, as one, and logs an unreachable broker once per attempt. A task
/// the broker returned or refused for good fails the request, and nothing more of it is sent.
/// </summary>
internal sealed class TaskBatchSender(ConfirmedChannel channel, int maxPublishesInFlight, ProducerMetrics metrics, ILogger logger) : IAsyncDisposable
{
    private readonly PublishWindow _window = new(maxPublishesInFlight);
    private readonly ResiliencePipeline _retry = PublishPipelines.RetryWhileUnreachable();

    public async Task SendUntilConfirmedAsync(OutgoingTaskBatch batch, CancellationToken cancellationToken)
    {
        // The first attempt runs outside the retry pipeline: nearly every request is confirmed by it (PublishPipelines).
        if (await SendAttemptAsync(batch, pending: null, cancellationToken) is not { } first)
        {
            return;
        }

        await _retry.ExecuteAsync(
            static async (state, token) => await state.Sender.SendAgainAsync(state.Batch, state.Left, token),
            (Sender: this, Batch: batch, first.Left),
            cancellationToken);
    }

    /// <summary>One more attempt at the tasks in <paramref name="left"/>; leaves in it those still to send, and throws why.</summary>
    private async ValueTask SendAgainAsync(OutgoingTaskBatch batch, List<int> left, CancellationToken cancellationToken)
    {
        if (await SendAttemptAsync(batch, left, cancellationToken) is { } again)
        {
            left.Clear();
            left.AddRange(again.Left);
            ExceptionDispatchInfo.Throw(again.Failure);
        }
    }

    /// <summary>
    /// Sends the tasks at <paramref name="pending"/> (every task of the batch when null), part after part, until a part
    /// fails: null once all are confirmed; otherwise the tasks left to send, the failed part's first, and the transient
    /// failure to retry on. Throws the failure of a task refused for good.
    /// </summary>
    private async Task<(List<int> Left, TaskPublishException Failure)?> SendAttemptAsync(OutgoingTaskBatch batch, List<int>? pending, CancellationToken cancellationToken)
    {
        var total = pending?.Count ?? batch.Count;
        for (var from = 0; from < total;)
        {
            var (count, confirms) = await SendPartAsync(batch, pending, from, total - from, cancellationToken);
            if (confirms.FailedCount > 0)
            {
                return Unconfirmed(pending, from, count, confirms, total);
            }

            from += count;
        }

        return null;
    }

    /// <summary>What a failed part leaves to send again, in the request's order, and the failure to retry on; throws a refusal.</summary>
    private (List<int> Left, TaskPublishException Failure) Unconfirmed(List<int>? pending, int from, int count, ConfirmGroup confirms, int total)
    {
        var left = new List<int>(total - from);
        TaskPublishException? transient = null;
        TaskPublishException? logged = null;
        Exception? refused = null;
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
                left.Add(TaskAt(pending, from + i));
                transient ??= notConfirmed;
            }
            else
            {
                refused ??= notConfirmed ?? failure;
            }
        }

        if (refused is not null)
        {
            if (logged is not null)
            {
                // The part's failures and the tasks never sent: the whole request's unconfirmed, as the warning says.
                Log(logged, confirms.FailedCount + total - from - count);
            }

            ExceptionDispatchInfo.Throw(refused);
        }

        // Then the tasks not sent yet: the next attempt keeps the request's order.
        for (var at = from + count; at < total; at++)
        {
            left.Add(TaskAt(pending, at));
        }

        if (logged is not null)
        {
            Log(logged, left.Count);
        }

        return (left, transient!);
    }

    /// <summary>
    /// Sends up to <paramref name="most"/> of the tasks from position <paramref name="from"/> of <paramref name="pending"/>
    /// (of the batch, when null) and waits for the broker's answers; marks those confirmed.
    /// </summary>
    private async Task<(int Count, ConfirmGroup Confirms)> SendPartAsync(OutgoingTaskBatch batch, List<int>? pending, int from, int most, CancellationToken cancellationToken)
    {
        var count = await _window.TakeAsync(most, cancellationToken);
        var confirms = new ConfirmGroup(count);
        try
        {
            IReadOnlyList<OutgoingMessage> part = pending is null
                ? new ArraySegment<OutgoingMessage>(batch.Messages, from, count)
                : pending.GetRange(from, count).ConvertAll(task => batch.Messages[task]);
            await SendAsync(part, confirms, cancellationToken);
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
                    batch.MarkConfirmed(TaskAt(pending, from + i));
                    confirmed++;
                }
            }

            metrics.TasksPublished(confirmed);
        }
    }

    private static int TaskAt(List<int>? pending, int position) => pending?[position] ?? position;

    private async Task SendAsync(IReadOnlyList<OutgoingMessage> part, ConfirmGroup confirms, CancellationToken cancellationToken)
    {
        try
        {
            // Mandatory: if task_queue (or a delay level) is missing the broker returns the messages. Every attempt at a
            // task sends the same message (and id), so a duplicate left by a lost confirm can be recognised.
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
            logger.LogWarning("Publishing failed: {Reason} ({Count} tasks of the request unconfirmed)", failure.InnerException?.Message, count);
        }
    }

    public ValueTask DisposeAsync() => channel.DisposeAsync();
}
