using Microsoft.AspNetCore.Http;
using WorkQueues.Producer.Security;

namespace WorkQueues.Producer.Tests.Security;

public class CrossSiteRequestFilterTests
{
    private static async Task<bool> PassesAsync(string? fetchSite, string? origin, string host = "localhost:5080")
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        var passed = false;
        await new CrossSiteRequestFilter().InvokeAsync(
            new DefaultEndpointFilterInvocationContext(context),
            _ => { passed = true; return ValueTask.FromResult<object?>(null); });
        return passed;
    }

    [Theory]
    [InlineData(null, null)] // curl, a service
    [InlineData("same-origin", "http://localhost:5080")] // the page itself
    [InlineData("none", null)] // typed into the address bar
    public async Task Own_page_and_non_browser_requests_pass(string? fetchSite, string? origin) =>
        Assert.True(await PassesAsync(fetchSite, origin));

    [Theory]
    [InlineData("cross-site", "https://evil.example")]
    [InlineData("same-site", "http://localhost:3000")] // another port on localhost is the same site, not the same page
    [InlineData(null, "https://evil.example")] // a browser too old for Sec-Fetch-Site
    [InlineData(null, "null")] // a sandboxed frame
    public async Task Requests_from_other_pages_are_refused(string? fetchSite, string? origin) =>
        Assert.False(await PassesAsync(fetchSite, origin));

    [Fact]
    public async Task Behind_a_proxy_that_ends_tls_the_https_page_is_still_the_same_origin() =>
        Assert.True(await PassesAsync("same-origin", "https://producer.example", host: "producer.example"));
}
