using Microsoft.Playwright;

namespace WorkQueues.IntegrationTests;

/// <summary>The live task page, used in a real browser: Debian's Chromium, driven by Playwright.</summary>
[Collection(AppHostCollection.Name)]
public sealed class TaskPageTests(AppHostFixture fixture)
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task A_task_submitted_on_the_page_reaches_completed_with_its_progress_bar_moving()
    {
        Assert.True(File.Exists(ChromiumPath), "Chromium is missing: apt-get install chromium (./test.sh does it).");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 700 } });
        await page.GotoAsync(fixture.App.App.GetEndpoint("producer", "http").ToString());
        // The page has loaded its links and recent tasks and subscribed to the event stream once it shows the queue.
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });

        var task = $"Browser {Guid.NewGuid().ToString("N")[..8]}..";
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

        Assert.Contains(values, v => v is > 0 and < 2); // the bar moved while the task ran
        Assert.Equal("2", await bar.GetAttributeAsync("value"));
        Assert.False(string.IsNullOrEmpty(await row.Locator("td").Nth(3).TextContentAsync())); // the worker that did it
        Assert.Contains("Queued", await page.Locator("#message").TextContentAsync());

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "task-page.png") });
    }
}
