using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The whole AppHost started through Aspire.Hosting.Testing, with its dashboard (on free ports) so tests can read
/// what a user would see there.
/// </summary>
public sealed class WorkQueuesApp : IAsyncDisposable
{
    private WorkQueuesApp(DistributedApplication app, DashboardClient dashboard, Uri broker)
    {
        App = app;
        Dashboard = dashboard;
        BrokerUri = broker;
    }

    public DistributedApplication App { get; }

    public DashboardClient Dashboard { get; }

    /// <summary>The <c>messaging</c> connection string the services were given.</summary>
    public Uri BrokerUri { get; }

    public string UserName => Uri.UnescapeDataString(BrokerUri.UserInfo.Split(':')[0]);

    public string Password => Uri.UnescapeDataString(BrokerUri.UserInfo.Split(':')[1]);

    public IResource Resource(string name) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    public HttpClient CreateProducerClient() => App.CreateHttpClient("producer");

    /// <summary>Posts one task to the Producer, expects its 202, and returns the task's id.</summary>
    public async Task<string> PostTaskAsync(string task)
    {
        using var producer = CreateProducerClient();
        using var response = await producer.PostAsync("/tasks", new StringContent(task, System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    public static Task<WorkQueuesApp> StartAsync(params string[] settings) => StartAsync(_ => { }, settings);

    /// <summary>Starts the AppHost; <paramref name="configure"/> may change its model before it is built.</summary>
    public static async Task<WorkQueuesApp> StartAsync(Action<IDistributedApplicationTestingBuilder> configure, params string[] settings)
    {
        string[] args =
        [
            // Given, so tests never write a generated password into the developer's user secrets; first, so a test
            // that needs the same password twice (a data volume reused) can give its own.
            $"Parameters:messaging-password={Guid.NewGuid():N}",
            .. settings,
            $"ASPNETCORE_URLS=http://127.0.0.1:{FreePorts.Next()}",
            $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePorts.Next()}",
            "ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true",
            // Given, so tests never write a generated key into the developer's user secrets.
            $"Parameters:producer-api-key={Guid.NewGuid():N}",
            $"Parameters:producer-admin-key={Guid.NewGuid():N}",
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.WorkQueues_AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = false;
            options.AllowUnsecuredTransport = true;
        });
        configure(builder);

        var app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.StartAsync(startup.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("producer", startup.Token);
        var connectionString = await app.GetConnectionStringAsync("messaging", startup.Token)
            ?? throw new InvalidOperationException("The messaging resource has no connection string.");

        // Under test the dashboard's proxied port is randomised too; ask the model where it ended up.
        var dashboard = new DashboardClient(app.GetEndpoint("aspire-dashboard", "http"));
        await Eventually.HoldsAsync(dashboard.IsUpAsync, TimeSpan.FromSeconds(60), "the dashboard to answer");
        return new WorkQueuesApp(app, dashboard, new Uri(connectionString));
    }

    /// <summary>What a resource wrote to its console log (the dashboard's Console logs) so far.</summary>
    public async Task<string> ConsoleLogAsync(string resource)
    {
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var text = new System.Text.StringBuilder();
        // The logs come from the orchestrator (DCP), which can take seconds to answer on two busy cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var batch in logs.GetAllAsync(Resource(resource)).WithCancellation(timeout.Token))
        {
            foreach (var line in batch)
            {
                text.AppendLine(line.Content);
            }
        }

        return text.ToString();
    }

    /// <summary>Waits until every worker replica logged <c> [x] Done</c> for each task; returns who did what.</summary>
    public Task<IReadOnlyList<DashboardClient.LogRecord>> WaitForDoneAsync(IEnumerable<string> tasks, TimeSpan timeout) =>
        Dashboard.WaitForDoneAsync(tasks, timeout);

    public async ValueTask DisposeAsync()
    {
        Dashboard.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
