using Polly;
using Polly.Retry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using WorkQueues.Tasks;

namespace WorkQueues.Worker.Cancellation;

/// <summary>
/// Follows the <c>task_cancellations</c> stream into <see cref="CancelledTasks"/>. At start it reads the stream from
/// <see cref="TaskCancellation.Retention"/> ago, so a Worker that starts after a cancel was made knows it; and it is
/// <see cref="CaughtUp"/> once it has read a marker of its own, published to the stream after it began to read: every
/// cancel made before then has been read by that time. The consumer does not take deliveries until then. The broker
/// can refuse a stream consumer for a moment (<see cref="SubscribeRetry"/>), so subscribing is retried with backoff, and
/// again whenever the server closes the channel.
/// </summary>
public sealed partial class TaskCancellationListener(IConnection connection, CancelledTasks cancelled, TimeProvider time, ILogger<TaskCancellationListener> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>The <c>type</c> of the marker a starting Worker puts on the stream; not a cancel.</summary>
    public const string MarkerType = "workqueues.worker-started";

    /// <summary>
    /// Subscribing again, 0.25 s doubling to 5 s, for about half a minute, when the broker refuses or drops it: a node
    /// whose replica of the stream does not run yet (406 "does not have a replica on the local node"), or a stream
    /// consumed the moment it was declared (measured: the broker then closed the connection, 541 INTERNAL_ERROR; the
    /// client recovers the connection meanwhile).
    /// </summary>
    private static readonly ResiliencePipeline SubscribeRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            // Each attempt opens a channel of its own; the client may have disposed the last one already.
            ShouldHandle = new PredicateBuilder().Handle<OperationInterruptedException>().Handle<ObjectDisposedException>(),
            MaxRetryAttempts = 10,
            Delay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stopping = new();
    private IChannel? _channel;

    // 1 while a subscription is being made, so a channel closed during it starts no second one.
    private int _subscribing = 1;

    /// <summary>Completes once every cancel made before this Worker started has been read.</summary>
    public Task CaughtUp => _caughtUp.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SubscribeRetry.ExecuteAsync(SubscribeAsync, cancellationToken);
        Interlocked.Exchange(ref _subscribing, 0);

        // Confirmed as every message the services send (ConfirmedChannel): no header of RabbitMQ.Client's tracking on it.
        await using var publisher = new ConfirmedChannel(connection);
        var marker = new BasicProperties { Type = MarkerType, MessageId = _marker, Timestamp = new AmqpTimestamp(time.GetUtcNow().ToUnixTimeSeconds()) };
        MessageTraceContext.Untraced.WriteTo(marker);
        await publisher.PublishAsync(string.Empty, TaskCancellation.StreamName, marker, ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    /// <summary>Reads the stream from <see cref="TaskCancellation.Retention"/> ago on a new channel (cancels read twice are one).</summary>
    private async ValueTask SubscribeAsync(CancellationToken cancellationToken)
    {
        if (_channel is not null)
        {
            // Closed by the server: abort it too, so the client forgets it and recovers nothing of it later.
            await ChannelCleanup.AbortAndDisposeAsync(_channel, cancellationToken);
        }

        _channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        _channel.ChannelShutdownAsync += OnChannelShutdownAsync;
        await TaskCancellation.DeclareStreamAsync(_channel, cancellationToken);
        // A stream consumer needs a prefetch and manual acks.
        await _channel.BasicQosAsync(0, 1_000, global: false, cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        consumer.ReceivedAsync += OnReceivedAsync;
        var from = time.GetUtcNow() - TaskCancellation.Retention;
        await _channel.BasicConsumeAsync(TaskCancellation.StreamName, autoAck: false, consumerTag: string.Empty, noLocal: false, exclusive: false,
            new Dictionary<string, object?> { ["x-stream-offset"] = new AmqpTimestamp(from.ToUnixTimeSeconds()) }, consumer, cancellationToken);
    }

    /// <summary>
    /// The server closed the channel while the connection stays up (a stream replica went away): the client does not
    /// recover that, so subscribe again. A lost connection is the client's own to recover, with the consumer.
    /// </summary>
    private Task OnChannelShutdownAsync(object? sender, ShutdownEventArgs args)
    {
        if (args.Initiator == ShutdownInitiator.Peer && connection.IsOpen && !_stopping.IsCancellationRequested
            && Interlocked.CompareExchange(ref _subscribing, 1, 0) == 0)
        {
            _ = ResubscribeAsync(args.ReplyText);
        }

        return Task.CompletedTask;
    }

    private async Task ResubscribeAsync(string reason)
    {
        LogLost(reason);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token);
                await SubscribeRetry.ExecuteAsync(SubscribeAsync, _stopping.Token);
                Interlocked.Exchange(ref _subscribing, 0);
                LogResumed();
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogNotResumed(ex.Message);
            }
        }
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (delivery.BasicProperties.Type == MarkerType)
        {
            if (delivery.BasicProperties.MessageId == _marker && _caughtUp.TrySetResult())
            {
                LogCaughtUp(cancelled.Count);
            }
        }
        else if (TaskCancellation.FromJson(delivery.Body.Span) is { } cancel)
        {
            cancelled.Add(cancel);
        }

        await ((AsyncEventingBasicConsumer)sender).Channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_channel is { IsOpen: true })
        {
            await _channel.CloseAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        return _channel?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Read the task_cancellations stream: {Count} cancels remembered")]
    private partial void LogCaughtUp(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The server closed the task_cancellations channel ({Reason}); reading the stream again")]
    private partial void LogLost(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading the task_cancellations stream again")]
    private partial void LogResumed();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the task_cancellations stream again ({Reason}); trying again")]
    private partial void LogNotResumed(string reason);
}
