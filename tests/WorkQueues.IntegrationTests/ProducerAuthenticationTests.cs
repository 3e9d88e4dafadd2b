using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WorkQueues.IntegrationTests;

/// <summary>The Producer outside Development: every API route asks for a key, and the admin routes for the admin key.</summary>
[Collection(ProducerCollection.Name)]
public sealed class ProducerAuthenticationTests(ProducerFixture fixture)
{
    public static TheoryData<string, string> ApiRoutes => new()
    {
        { "POST", "/tasks" },
        { "POST", "/tasks/batch" },
        { "GET", "/tasks" },
        { "GET", "/tasks/0123456789abcdef0123456789abcdef" },
        { "GET", "/tasks/events" },
        { "GET", "/queue" },
        { "GET", "/dead-letters" },
        { "POST", "/dead-letters/requeue" },
    };

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "POST" ? new StringContent(path.EndsWith("batch") ? "[\"a\"]" : "a", Encoding.UTF8, path.EndsWith("batch") ? "application/json" : "text/plain") : null,
    };

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task Without_a_key_every_api_route_is_401_with_problem_details(string method, string path)
    {
        using var client = fixture.Producer.Client();

        using var response = await client.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Api-Key", await response.Content.ReadAsStringAsync());
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public async Task A_wrong_key_is_401(string method, string path)
    {
        using var client = fixture.Producer.Client("not-the-key-0123456789abcdef");

        using var response = await client.SendAsync(Request(method, path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_task_key_sends_tasks_and_reads_their_status_but_not_the_dead_letters()
    {
        using var client = fixture.Producer.Client(ProducerHost.ApiKey);

        using var accepted = await client.PostAsync("/tasks", new StringContent("Keyed task.", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/tasks/{id}")).StatusCode);
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/queue")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "a sampled /queue");

        using var deadLetters = await client.GetAsync("/dead-letters");
        using var requeue = await client.PostAsync("/dead-letters/requeue", null);
        Assert.Equal(HttpStatusCode.Forbidden, deadLetters.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, requeue.StatusCode);
        Assert.Contains("admin key", await deadLetters.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_admin_key_opens_the_dead_letter_routes()
    {
        using var client = fixture.Producer.Client(ProducerHost.AdminApiKey);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/dead-letters/requeue", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/tasks", new StringContent("Admin task.", Encoding.UTF8, "text/plain"))).StatusCode);
    }

    [Fact]
    public async Task Health_the_page_and_its_links_are_open_and_the_page_carries_its_security_headers()
    {
        using var client = fixture.Producer.Client();

        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
        Assert.Equal("Healthy", await client.GetStringAsync("/alive"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/links")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/credentials.js")).StatusCode);
        using var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.DoesNotContain("<script>", await page.Content.ReadAsStringAsync()); // no inline script for the policy to forbid
    }

    [Fact]
    public void Every_route_but_health_and_the_page_links_requires_authorization()
    {
        var open = new[] { "/health", "/alive", "/links" };
        var endpoints = fixture.Producer.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            var guarded = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any() && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
            Assert.True(guarded != open.Contains(route), $"{route}: {(guarded ? "guarded but should be open" : "open but should be guarded")}");
        }
    }

    [Fact]
    public async Task Only_the_event_stream_takes_the_key_in_its_query_string()
    {
        using var client = fixture.Producer.Client();
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using var stream = await client.GetStreamAsync($"/tasks/events?api_key={ProducerHost.ApiKey}", timeout.Token);
        using var reader = new StreamReader(stream);
        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/tasks?api_key={ProducerHost.ApiKey}")).StatusCode);
    }

    [Fact]
    public void Outside_development_a_producer_with_no_scheme_refuses_to_start_and_says_why()
    {
        using var host = new ProducerHost(fixture.Broker, withKeys: false);

        var error = Assert.ThrowsAny<Exception>(host.StartServer);

        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains("no authentication configured", messages);
        Assert.Contains("Producer:ApiKey", messages);
    }

    private static IEnumerable<Exception> Flatten(Exception error) =>
        error is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(Flatten)
            : error.InnerException is { } inner ? [error, .. Flatten(inner)] : [error];
}
