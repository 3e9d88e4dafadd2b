using Microsoft.Playwright;
using RabbitMQ.Client;
using WorkQueues.Tasks;

namespace WorkQueues.IntegrationTests;

/// <summary>The task page of a Producer that asks for a key: Chromium, the real HTTP pipeline, a real broker.</summary>
[Collection(ProducerCollection.Name)]
public sealed class ProducerPageTests(ProducerFixture fixture)
{
    [Fact]
    public async Task With_the_key_entered_once_the_page_sends_tasks_and_shows_their_changes_live()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.Producer.BaseAddress.ToString());

        // The first API call is refused 401: the page asks for the key.
        var key = page.GetByLabel("API key");
        await key.WaitForAsync(new() { Timeout = 15_000 });
        await key.FillAsync(ProducerHost.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });

        var task = $"Keyed {Guid.NewGuid().ToString("N")[..8]}.";
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Task (each dot is one second of work)" }).FillAsync(task);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        var row = page.Locator("tr", new() { HasText = task });
        await row.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal("queued", await row.Locator("td.state").TextContentAsync());

        // No worker runs on this broker: the test reports the task done as a worker would, and the page, on the event
        // stream that took the key in its query string, shows it.
        var id = await row.GetAttributeAsync("data-id");
        await using (var connection = await fixture.Broker.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var now = DateTimeOffset.UtcNow;
            var done = new TaskEvent(id!, TaskEvent.States.Completed, "test-worker", 1, 1, 1, null, now, null, now.AddSeconds(-1));
            await channel.BasicPublishAsync(TaskQueueTopology.EventsExchangeName, string.Empty, TaskEvent.ToJson([done]));
        }

        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });
        Assert.Equal("test-worker", await row.Locator("td").Nth(3).TextContentAsync());

        // Kept for the tab: a reload asks no more.
        await page.ReloadAsync();
        await page.GetByText("waiting,").WaitForAsync(new() { Timeout = 15_000 });
        Assert.False(await page.Locator("#key-form").IsVisibleAsync());
    }
}
