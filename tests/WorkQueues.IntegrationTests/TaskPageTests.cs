using Microsoft.Playwright;

namespace WorkQueues.IntegrationTests;

/// <summary>The live task page, used in a real browser: Debian's Chromium, driven by Playwright.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TaskPageTests(AppHostFixture fixture)
{
    [Fact]
    public async Task A_task_submitted_on_the_page_reaches_completed_with_its_progress_bar_moving()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 700 } });
        await page.GotoAsync(fixture.App.App.GetEndpoint("producer", "http").ToString());
        // The page has loaded its links and recent tasks and subscribed to the event stream once it shows the queue.
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });

        // Three dots: the bar stands between its ends for two seconds, time for a loaded machine to sample it.
        var task = $"Browser {Guid.NewGuid().ToString("N")[..8]}...";
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Task (each dot is one second of work)" }).FillAsync(task);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        var row = page.Locator("tr", new() { HasText = task });
        try
        {
            await row.WaitForAsync(new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"No row for the task. The page says: '{await page.Locator("#message").TextContentAsync()}'; rows: {await page.Locator("#tasks").InnerTextAsync()}");
        }

        var bar = row.Locator("progress");
        var values = new List<double>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await row.Locator("td.state").TextContentAsync() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the row stayed at '{await row.Locator("td.state").TextContentAsync()}'");
            values.Add(double.Parse(await bar.GetAttributeAsync("value") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
            await Task.Delay(100);
        }

        Assert.Contains(values, v => v is > 0 and < 3); // the bar moved while the task ran
        Assert.Equal("3", await bar.GetAttributeAsync("value"));
        Assert.False(string.IsNullOrEmpty(await row.Locator("td").Nth(3).TextContentAsync())); // the worker that did it
        Assert.Contains("Queued", await page.Locator("#message").TextContentAsync());

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "task-page.png") });
    }

    [Fact]
    public async Task In_development_a_cross_site_post_is_refused_and_one_from_the_page_is_accepted()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var producer = fixture.App.App.GetEndpoint("producer", "http");
        var page = await browser.NewPageAsync();

        // The page itself: a same-origin POST, as its form sends.
        await page.GotoAsync(new UriBuilder(producer) { Host = "localhost" }.Uri.ToString());
        var sameOrigin = await page.EvaluateAsync<int>(
            "async () => (await fetch('/tasks', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'Same origin.' })).status");
        Assert.Equal(202, sameOrigin);

        // Another site: a page of the test's own on 127.0.0.1 (not the site localhost is, and with no policy of the
        // Producer's), firing the "simple" text/plain POST any web page may send.
        var producerTasks = new Uri(new UriBuilder(producer) { Host = "localhost" }.Uri, "/tasks").ToString();
        using var otherSite = new System.Net.HttpListener();
        var otherPort = FreePorts.Next();
        otherSite.Prefixes.Add($"http://127.0.0.1:{otherPort}/");
        otherSite.Start();
        var serving = Task.Run(async () =>
        {
            var context = await otherSite.GetContextAsync();
            context.Response.ContentType = "text/html";
            await context.Response.OutputStream.WriteAsync("<!doctype html><title>Another site</title>"u8.ToArray());
            context.Response.Close();
        });
        await page.GotoAsync($"http://127.0.0.1:{otherPort}/");
        await serving;
        var marker = $"Cross-site {Guid.NewGuid():N}";
        var refused = page.WaitForResponseAsync(r => r.Url == producerTasks && r.Request.Method == "POST");
        await page.EvaluateAsync(
            // The browser hides the answer from the other site (the fetch itself may fail); the network still sees it.
            "async ([url, body]) => { try { await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }); } catch { } }",
            new[] { producerTasks, marker });

        Assert.Equal(403, (await refused).Status);
        using var client = fixture.App.CreateProducerClient();
        Assert.DoesNotContain(marker, await client.GetStringAsync("/tasks?limit=1000"));
    }
}
