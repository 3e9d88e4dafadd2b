using WorkQueues.Producer;

// `dotnet run --project WorkQueues.Producer -- First message.` sends one task and exits, like the tutorial's new_task.py.
if (SendCommand.TryParse(args, out var send))
{
    return await send.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTaskPublishing().AddTaskStatus();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapTaskPage();
app.MapTasksApi();
app.MapDeadLettersApi();
await app.RunAsync();
return 0;
