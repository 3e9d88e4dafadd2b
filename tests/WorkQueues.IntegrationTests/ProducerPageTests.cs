using Microsoft.Playwright;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests;

/// <summary>The task page of a Producer that asks for a key: Chromium, the real HTTP pipeline, a real broker.</summary>
[Collection(ProducerCollection.Name)]
public sealed class ProducerPageTests(ProducerFixture fixture)
{
    private const string TaskBox = "Task (each dot is one second of work)";

    [Fact]
    public async Task With_the_key_entered_once_the_page_sends_tasks_and_shows_their_changes_live()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await OpenWithKeyAsync(browser);

        var task = $"Keyed {Guid.NewGuid().ToString("N")[..8]}.";
        var row = await SendAsync(page, task);
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("queued");

        // No worker runs on this broker: the test reports the task done as a worker would, and the page, on the event
        // stream that took the key in its query string, shows it.
        await ReportCompletedAsync(await row.GetAttributeAsync("data-id"));
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });
        Assert.Equal("test-worker", await row.Locator("td").Nth(3).TextContentAsync());

        // Kept for the tab: a reload asks no more.
        await page.ReloadAsync();
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });
        Assert.False(await page.Locator("#key-form").IsVisibleAsync());
    }

    /// <summary>
    /// The stream can bring a task's later state before an HTTP answer about it arrives; the page then keeps the
    /// stream's. Each answer is held here until the stream showed the task completed, as a slow one would be (the
    /// first case made this test fail in CI: a 202 slower than the completion put the row back to queued, no worker).
    /// </summary>
    [Fact]
    public async Task An_answer_that_arrives_after_the_stream_showed_the_task_completed_does_not_step_its_row_back()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await OpenWithKeyAsync(browser);

        // The POST's 202, held until the stream (which also brought the row) showed the task completed.
        var task = $"Late 202 {Guid.NewGuid().ToString("N")[..8]}.";
        var answered = new TaskCompletionSource();
        await HoldAnswersAsync(page, "POST", "/tasks", answered);
        var row = await SendAsync(page, task);
        await ReportCompletedAsync(await row.GetAttributeAsync("data-id"));
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });

        // Then the GET /tasks/{id} the page sends after the 202 is held: meanwhile the row still shows the stream's state.
        var asked = new TaskCompletionSource();
        var getAnswered = new TaskCompletionSource();
        await HoldAnswersAsync(page, "GET", "/tasks/", getAnswered, asked);
        answered.SetResult();
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await AssertCompletedAsync(row);
        getAnswered.SetResult();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"Queued \"{task}\"", new() { Timeout = 10_000 });
        await AssertCompletedAsync(row);
        await page.UnrouteAllAsync();

        // A GET /tasks/{id} asked before the completion and answered after it, as the task was when it was asked.
        task = $"Late GET {Guid.NewGuid().ToString("N")[..8]}.";
        answered = new TaskCompletionSource();
        asked = new TaskCompletionSource();
        await HoldAnswersAsync(page, "GET", "/tasks/", answered, asked);
        row = await SendAsync(page, task);
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await ReportCompletedAsync(await row.GetAttributeAsync("data-id"));
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });
        answered.SetResult();

        // The page says the task is queued once it has handled the answer.
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync($"Queued \"{task}\"", new() { Timeout = 10_000 });
        await AssertCompletedAsync(row);
    }

    /// <summary>
    /// The event stream refused (a Producer restarting behind a proxy, say), and the catch-up GET the page then sends
    /// refused too: the page opens a stream again a few seconds later, catches up on what changed while none was open
    /// (the new stream is held until the change was made), and goes on showing changes.
    /// </summary>
    [Fact]
    public async Task A_refused_stream_and_a_refused_catch_up_leave_the_page_following()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var streamRefused = new TaskCompletionSource();
        var catchUpRefused = new TaskCompletionSource();
        var changedBetweenStreams = new TaskCompletionSource();
        var page = await OpenWithKeyAsync(browser, async page =>
        {
            await page.RouteAsync(url => new Uri(url).AbsolutePath == "/tasks/events", async route =>
            {
                if (streamRefused.TrySetResult())
                {
                    await route.FulfillAsync(new() { Status = 503 });
                    return;
                }

                await changedBetweenStreams.Task;
                await route.FallbackAsync();
            });
            await page.RouteAsync(url => new Uri(url) is { AbsolutePath: "/tasks", Query: var query } && query.Contains("limit="), async route =>
            {
                if (streamRefused.Task.IsCompleted && catchUpRefused.TrySetResult())
                {
                    await route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service Unavailable","status":503}""" });
                    return;
                }

                await route.FallbackAsync();
            });
        });
        await catchUpRefused.Task.WaitAsync(TimeSpan.FromSeconds(15));

        // Completed while no stream was open: the next one's catch-up shows it. Then the stream itself shows the next.
        foreach (var name in new[] { "Between streams", "On the new stream" })
        {
            var task = $"{name} {Guid.NewGuid().ToString("N")[..8]}.";
            var row = await SendAsync(page, task);
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("queued");
            await ReportCompletedAsync(await row.GetAttributeAsync("data-id"));
            changedBetweenStreams.TrySetResult();
            await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("completed", new() { Timeout = 15_000 });
        }
    }

    private static async Task AssertCompletedAsync(ILocator row)
    {
        Assert.Equal("completed", await row.Locator("td.state").TextContentAsync());
        Assert.Equal("test-worker", await row.Locator("td").Nth(3).TextContentAsync());
    }

    /// <summary>
    /// Answers the page's <paramref name="method"/> requests to paths starting with <paramref name="path"/> (the event
    /// stream aside) as the Producer answered them when asked, but hands each to the page only once
    /// <paramref name="answered"/> is set; <paramref name="asked"/> is set when the first was asked.
    /// </summary>
    private static Task HoldAnswersAsync(IPage page, string method, string path, TaskCompletionSource answered, TaskCompletionSource? asked = null) =>
        page.RouteAsync(
            url => new Uri(url).AbsolutePath is var requested
                && (path.EndsWith('/') ? requested.StartsWith(path, StringComparison.Ordinal) : requested == path)
                && requested != "/tasks/events",
            async route =>
            {
                if (route.Request.Method != method)
                {
                    await route.FallbackAsync();
                    return;
                }

                var answer = await route.FetchAsync();
                asked?.TrySetResult();
                await answered.Task;
                await route.FulfillAsync(new() { Response = answer });
            });

    /// <summary>
    /// Opens the page (after <paramref name="prepare"/>, e.g. routes); its first API call is refused 401, so it asks
    /// for the key, which is entered.
    /// </summary>
    private async Task<IPage> OpenWithKeyAsync(IBrowser browser, Func<IPage, Task>? prepare = null)
    {
        var page = await browser.NewPageAsync();
        if (prepare is not null)
        {
            await prepare(page);
        }

        await page.GotoAsync(fixture.Producer.BaseAddress.ToString());
        var key = page.GetByLabel("API key");
        await key.WaitForAsync(new() { Timeout = 15_000 });
        await key.FillAsync(ProducerHost.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });
        return page;
    }

    private static async Task<ILocator> SendAsync(IPage page, string task)
    {
        await page.GetByRole(AriaRole.Textbox, new() { Name = TaskBox }).FillAsync(task);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var row = page.Locator("tr", new() { HasText = task });
        await row.WaitForAsync(new() { Timeout = 10_000 });
        return row;
    }

    /// <summary>Reports the task completed by "test-worker" on the events exchange, as a Worker would.</summary>
    private async Task ReportCompletedAsync(string? id)
    {
        await using var connection = await fixture.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var now = DateTimeOffset.UtcNow;
        var done = new TaskEvent(id!, TaskEvent.States.Completed, "test-worker", 1, 1, 1, null, now, null, now.AddSeconds(-1));
        await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, TaskEvent.ToJson([done]));
    }
}
