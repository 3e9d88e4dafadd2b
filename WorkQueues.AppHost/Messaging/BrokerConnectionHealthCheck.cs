using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Healthy when an AMQP connection to the broker is open, so that <c>WaitFor(messaging)</c> means the broker takes
/// connections, not merely that its process started. The connection is kept and reused between checks.
/// </summary>
public sealed class BrokerConnectionHealthCheck : IHealthCheck, IAsyncDisposable
{
    /// <summary>
    /// The name its connection shows in the management UI. The connection does not recover by itself: a closed one is
    /// opened again by the next check, which Aspire runs every 30 s on a healthy resource.
    /// </summary>
    public const string ClientName = "aspire-health-check";

    private readonly IResourceWithConnectionString _broker;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ResiliencePipeline _connectWhileStarting;
    private IConnection? _connection;
    private Exception? _lastRefusal;

    public BrokerConnectionHealthCheck(IResourceWithConnectionString broker)
    {
        _broker = broker;
        // Aspire checks a resource that is not healthy yet again after 1, 2, 3… s. Trying every quarter second for a few
        // seconds within one check lets WaitFor release the services as soon as a starting broker takes connections
        // (in a timed cold start, broker start to services launched fell from 6.9 to 3.6 s, docs/benchmarks.md); a broker
        // that stays down is still reported in 5 s.
        _connectWhileStarting = new ResiliencePipelineBuilder()
            .AddTimeout(TimeSpan.FromSeconds(5))
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<BrokerUnreachableException>(),
                BackoffType = DelayBackoffType.Constant,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    _lastRefusal = args.Outcome.Exception;
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true })
            {
                return HealthCheckResult.Healthy();
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }

            var connectionString = await _broker.GetConnectionStringAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The '{_broker.Name}' resource has no connection string.");
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = ClientName,
            };
            _lastRefusal = null;
            _connection = await _connectWhileStarting.ExecuteAsync(static (factory, token) => new ValueTask<IConnection>(factory.CreateConnectionAsync(token)), factory, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception's message names host and port only; the connection string stays out of it.
            var reason = ex is TimeoutRejectedException && _lastRefusal is not null ? _lastRefusal : ex;
            return new HealthCheckResult(context.Registration.FailureStatus, $"No AMQP connection to '{_broker.Name}': {reason.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
