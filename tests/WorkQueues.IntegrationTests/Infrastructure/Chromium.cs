using Microsoft.Playwright;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Debian's Chromium, headless, driven by Playwright.</summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Path), "Chromium is missing: apt-get install chromium (./test.sh does it).");
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Path,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
