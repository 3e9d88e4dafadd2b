using System.Diagnostics;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Producer;

/// <summary>
/// Publishes tasks persistent to <c>task_queue</c> and returns only once the broker has confirmed them. Many publishes
/// share one channel with confirms outstanding at once, so a batch costs one round trip, not one per task.
/// </summary>
public sealed class TaskPublisher(
    IConnection connection,
    IOptions<ProducerOptions> options,
    ProducerMetrics metrics,
    TimeProvider time,
    ILogger<TaskPublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _channelGate = new(1, 1);
    private readonly SemaphoreSlim _inFlight = new(options.Value.MaxPublishesInFlight, options.Value.MaxPublishesInFlight);
    private IChannel? _channel;

    /// <summary>Publishes one task and waits for its confirm, within <see cref="ProducerOptions.PublishTimeout"/>.</summary>
    public async Task<PublishedTask> PublishAsync(TaskText task, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        return await PublishWithinAsync(task, timeout.Token, cancellationToken);
    }

    /// <summary>Publishes every task with their confirms outstanding together; succeeds only if all were confirmed.</summary>
    public async Task<IReadOnlyList<PublishedTask>> PublishManyAsync(IReadOnlyList<TaskText> tasks, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        var publishes = new Task<PublishedTask>[tasks.Count];
        for (var i = 0; i < tasks.Count; i++)
        {
            publishes[i] = PublishWithinAsync(tasks[i], timeout.Token, cancellationToken);
        }

        try
        {
            return await Task.WhenAll(publishes);
        }
        catch (TaskPublishException) when (publishes.Count(p => p.IsFaulted) is var failed and > 0)
        {
            throw new TaskPublishException(
                $"{failed} of {tasks.Count} tasks were not confirmed by the broker; " +
                "the batch may be sent again (tasks already confirmed would then be queued twice).",
                publishes.First(p => p.IsFaulted).Exception!.InnerException);
        }
    }

    private async Task<PublishedTask> PublishWithinAsync(TaskText task, CancellationToken timeout, CancellationToken requestAborted)
    {
        var id = TaskMessage.NewId();
        var properties = TaskMessage.CreateProperties(id, time.GetUtcNow());
        var body = TaskText.Encode(task.Text);
        var acquired = false;

        // Covers the publish *and* the wait for the confirm; RabbitMQ.Client's own publish span, a child of this
        // one, ends before the confirm arrives.
        using var activity = TaskTelemetry.StartTaskActivity(TaskTelemetry.SendSpanName, ActivityKind.Producer, "send", "send", id);
        activity?.SetTag("messaging.message.body.size", body.Length).SetTag("workqueues.task.dots", task.Dots);
        try
        {
            await _inFlight.WaitAsync(timeout);
            acquired = true;
            var channel = await GetChannelAsync(timeout);
            // Mandatory: if task_queue is missing the broker returns the message, which surfaces as an error here.
            await channel.BasicPublishAsync(string.Empty, TaskQueueTopology.QueueName, mandatory: true, properties, body, timeout);
            metrics.TaskPublished();
            return new PublishedTask(id, task.Dots);
        }
        catch (Exception ex) when (Translate(ex, timeout, requestAborted) is { } failure)
        {
            activity.RecordFailure(failure);
            throw failure;
        }
        finally
        {
            if (acquired)
            {
                _inFlight.Release();
            }
        }
    }

    /// <summary>What a failed publish means to the caller; null for errors that are not the broker's.</summary>
    private TaskPublishException? Translate(Exception exception, CancellationToken timeout, CancellationToken requestAborted)
    {
        switch (exception)
        {
            case TaskPublishException known:
                return known;
            case OperationCanceledException when timeout.IsCancellationRequested && !requestAborted.IsCancellationRequested:
                return new TaskPublishException($"The broker did not confirm the task within {options.Value.PublishTimeout.TotalSeconds:0.#} s.");
            case PublishException publish:
                return new TaskPublishException(publish.IsReturn
                    ? "The broker returned the task: no queue took it."
                    : "The broker refused the task (negative confirm).", publish);
            case AlreadyClosedException or BrokerUnreachableException or OperationInterruptedException or IOException:
                logger.LogWarning("Publishing failed: {Reason}", exception.Message);
                return new TaskPublishException("The broker cannot be reached.", exception);
            default:
                return null;
        }
    }

    private async ValueTask<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _channelGate.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } reopened)
            {
                return reopened;
            }

            if (_channel is not null)
            {
                await _channel.DisposeAsync();
                _channel = null;
            }

            if (!connection.IsOpen)
            {
                throw new TaskPublishException("The broker connection is down; it is being recovered.");
            }

            // No rate limiter: with more publishes waiting than its limit, RabbitMQ.Client 7.2 slows to a crawl.
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            await channel.DeclareTaskQueueAsync(cancellationToken);
            _channel = channel;
            return channel;
        }
        finally
        {
            _channelGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _channelGate.Dispose();
        _inFlight.Dispose();
    }
}
