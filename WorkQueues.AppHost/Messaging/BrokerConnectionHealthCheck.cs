using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Healthy when an AMQP connection to the broker is open, so that <c>WaitFor(messaging)</c> means the broker takes
/// connections, not merely that its process started. The connection is kept and reused between checks.
/// </summary>
public sealed class BrokerConnectionHealthCheck(IResourceWithConnectionString broker) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

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

            var connectionString = await broker.GetConnectionStringAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The '{broker.Name}' resource has no connection string.");
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "aspire-health-check",
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception's message names host and port only; the connection string stays out of it.
            return new HealthCheckResult(context.Registration.FailureStatus, $"No AMQP connection to '{broker.Name}': {ex.Message}");
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
