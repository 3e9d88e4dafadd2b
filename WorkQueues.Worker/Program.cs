using WorkQueues.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTaskProcessing();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
