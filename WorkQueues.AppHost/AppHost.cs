using Microsoft.Extensions.Configuration;
using WorkQueues.AppHost;
using WorkQueues.AppHost.Messaging;

var builder = DistributedApplication.CreateBuilder(args);

// RabbitMQ: a container, the locally installed server (one node, or a cluster: Messaging:Nodes) or an external broker (Messaging:Broker).
var messaging = builder.AddMessagingBroker("messaging");

builder.AddProject<Projects.WorkQueues_Producer>("producer")
    .WithLaunchFromBuildOutput()
    .WithMessaging(messaging)
    .WithServiceConfiguration(builder.Configuration, "Tasks", "Producer")
    .WithApiKeys()
    .WithPageLinks(messaging, builder.Configuration)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.WorkQueues_Worker>("worker")
    .WithLaunchFromBuildOutput()
    .WithMessaging(messaging)
    .WithServiceConfiguration(builder.Configuration, "Tasks", "Worker")
    .WithReplicas(builder.Configuration.GetValue("Workers:Replicas", 2))
    .WithHttpHealthCheck("/health");

builder.Build().Run();
