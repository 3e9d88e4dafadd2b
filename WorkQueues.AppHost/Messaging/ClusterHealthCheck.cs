using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// The cluster's health from its nodes' AMQP connections: Healthy when every node takes connections, Degraded while a
/// majority does (quorum queues still work), Unhealthy below that.
/// </summary>
public sealed class ClusterHealthCheck(RabbitMQClusterResource cluster) : IHealthCheck, IAsyncDisposable
{
    private BrokerConnectionHealthCheck[]? _nodes;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        _nodes ??= cluster.Nodes.Select(node => new BrokerConnectionHealthCheck(node)).ToArray();
        var results = await Task.WhenAll(_nodes.Select(node => node.CheckHealthAsync(context, cancellationToken)));
        var up = results.Count(result => result.Status == HealthStatus.Healthy);
        var down = string.Join("; ", results.Where(r => r.Status != HealthStatus.Healthy).Select(r => r.Description));
        return up == results.Length ? HealthCheckResult.Healthy($"All {up} nodes take connections.")
            : up > results.Length / 2 ? HealthCheckResult.Degraded($"{up} of {results.Length} nodes take connections: {down}")
            : new HealthCheckResult(context.Registration.FailureStatus, $"Only {up} of {results.Length} nodes take connections, no majority: {down}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes ?? [])
        {
            await node.DisposeAsync();
        }
    }
}
