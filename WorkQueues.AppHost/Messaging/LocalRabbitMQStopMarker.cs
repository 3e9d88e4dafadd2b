using Microsoft.Extensions.Hosting;

namespace WorkQueues.AppHost.Messaging;

/// <summary>Marks the local broker's run folder for removal as soon as the AppHost begins to stop.</summary>
internal sealed class LocalRabbitMQStopMarker(LocalRabbitMQRunFolder folder, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(folder.MarkStopping);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
