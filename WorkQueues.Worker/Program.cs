using WorkQueues.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// The tutorial's DotsTaskHandler does the work; .WithTaskHandler<YourHandler>() puts yours in its place (docs/handlers.md).
builder.AddTaskProcessing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
