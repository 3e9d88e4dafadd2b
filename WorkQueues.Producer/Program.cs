using WorkQueues.Producer.Api;
using WorkQueues.Producer.CommandLine;
using WorkQueues.Producer.Page;
using WorkQueues.Producer.Publishing;
using WorkQueues.Producer.Security;
using WorkQueues.Producer.Status;

// `dotnet run --project WorkQueues.Producer -- First message.` sends one task and exits, like the tutorial's new_task.py.
if (SendCommand.TryParse(args, out var send))
{
    return await send.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddProducerSecurity();
builder.AddTaskPublishing();
builder.AddTaskStatus();

var app = builder.Build();
app.UseProducerSecurity();
app.MapTaskPage();
app.MapTasksApi();
app.MapTaskCancellationApi();
app.MapTaskStatusApi();
app.MapDeadLettersApi();
app.MapDefaultEndpoints();
await app.RunAsync();
return 0;
