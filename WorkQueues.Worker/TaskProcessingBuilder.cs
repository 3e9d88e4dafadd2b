using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WorkQueues.Worker.Handlers;

namespace WorkQueues.Worker;

/// <summary>What <see cref="TaskProcessingExtensions.AddTaskProcessing"/> set up, to be changed further.</summary>
public sealed class TaskProcessingBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Makes <typeparamref name="THandler"/> do the work of every task, in place of the tutorial's
    /// <see cref="DotsTaskHandler"/>. It is resolved once per task from a scope of its own, so it may depend on scoped
    /// services.
    /// </summary>
    public TaskProcessingBuilder WithTaskHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>() where THandler : class, ITaskHandler
    {
        Services.Replace(ServiceDescriptor.Scoped<ITaskHandler, THandler>());
        return this;
    }
}
