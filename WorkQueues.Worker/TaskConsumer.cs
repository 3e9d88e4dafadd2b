using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using WorkQueues.Tasks;

namespace WorkQueues.Worker;

/// <summary>
/// Consumes <c>task_queue</c> with manual acks and a prefetch of <see cref="WorkerOptions.Concurrency"/>, does each
/// task's work and acks only after it. On shutdown it stops taking deliveries and lets the tasks in hand finish
/// while the host's shutdown timeout allows; whatever is still running then is nacked back to the queue, never acked.
/// </summary>
public sealed partial class TaskConsumer(
    IConnection connection,
    DotsWorkload workload,
    IOptions<WorkerOptions> options,
    IOptions<TaskOptions> limits,
    ILogger<TaskConsumer> logger) : IHostedService, IAsyncDisposable
{
    private const int LoggedTaskLength = 200;

    private readonly CancellationTokenSource _abandonWork = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _deliveries;
    private IChannel? _channel;
    private string? _consumerTag;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var concurrency = (ushort)options.Value.Concurrency;
        _channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: concurrency),
            cancellationToken);
        await _channel.DeclareTaskQueueAsync(cancellationToken);
        await _channel.BasicQosAsync(prefetchSize: 0, prefetchCount: concurrency, global: false, cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        _consumerTag = await _channel.BasicConsumeAsync(TaskQueueTopology.QueueName, autoAck: false, consumer, cancellationToken);
        LogWaiting(TaskQueueTopology.QueueName, concurrency);
    }

    /// <param name="cancellationToken">Fires when the host's shutdown timeout runs out.</param>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_channel is null)
        {
            return;
        }

        if (_consumerTag is not null && _channel.IsOpen)
        {
            await _channel.BasicCancelAsync(_consumerTag, noWait: false, CancellationToken.None);
        }

        var running = _inFlight.Values.ToArray();
        LogDraining(running.Length);
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abandonWork.CancelAsync();
            await Task.WhenAll(running);
        }

        if (_channel.IsOpen)
        {
            await _channel.CloseAsync(CancellationToken.None);
        }
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        var key = Interlocked.Increment(ref _deliveries);
        var work = ProcessAsync(((AsyncEventingBasicConsumer)sender).Channel, delivery);
        _inFlight[key] = work;
        try
        {
            await work;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task ProcessAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["TaskId"] = delivery.BasicProperties.MessageId });
        var tag = delivery.DeliveryTag;

        // The body is only valid during this call, so it is decoded before any await.
        if (!TaskText.TryDecode(delivery.Body.Span, out var text))
        {
            LogRejected("its body is not valid UTF-8");
            await channel.BasicRejectAsync(tag, requeue: false);
            return;
        }

        var validation = TaskText.Validate(text, limits.Value);
        if (!validation.IsValid)
        {
            LogRejected(validation.Error);
            await channel.BasicRejectAsync(tag, requeue: false);
            return;
        }

        var task = validation.Task.Value;
        var shown = text.Length > LoggedTaskLength ? string.Concat(text.AsSpan(0, LoggedTaskLength), "…") : text;
        LogReceived(shown);
        try
        {
            await workload.RunAsync(task, _abandonWork.Token);
        }
        catch (OperationCanceledException) when (_abandonWork.IsCancellationRequested)
        {
            LogAbandoned(shown);
            await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            return;
        }
        catch (Exception ex)
        {
            LogFailed(ex, shown);
            await channel.BasicNackAsync(tag, multiple: false, requeue: true);
            return;
        }

        await channel.BasicAckAsync(tag, multiple: false);
        LogDone(shown);
    }

    public ValueTask DisposeAsync()
    {
        _abandonWork.Dispose();
        return _channel?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = " [*] Waiting for tasks on {Queue} (prefetch {Prefetch})")]
    private partial void LogWaiting(string queue, int prefetch);

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Received {Task}")]
    private partial void LogReceived(string task);

    [LoggerMessage(Level = LogLevel.Information, Message = " [x] Done {Task}")]
    private partial void LogDone(string task);

    [LoggerMessage(Level = LogLevel.Error, Message = "Task failed and was requeued: {Task}")]
    private partial void LogFailed(Exception exception, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown time ran out; the unfinished task goes back to the queue: {Task}")]
    private partial void LogAbandoned(string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message rejected: {Reason}")]
    private partial void LogRejected(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped taking tasks; finishing {Count} in hand")]
    private partial void LogDraining(int count);
}
