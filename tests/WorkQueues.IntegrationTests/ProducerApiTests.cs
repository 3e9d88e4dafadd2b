using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WorkQueues.IntegrationTests;

/// <summary>What the Producer's HTTP API answers, for good input and for each kind of bad input.</summary>
[Collection(AppHostCollection.Name)]
public sealed class ProducerApiTests(AppHostFixture fixture)
{
    [Fact]
    public async Task An_accepted_task_gets_202_with_its_id_dots_and_location()
    {
        using var producer = fixture.App.CreateProducerClient();

        using var response = await producer.PostAsync("/tasks", new StringContent("Accepted task...", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(3, body.RootElement.GetProperty("dots").GetInt32());
        Assert.Equal($"/tasks/{id}", response.Headers.Location?.OriginalString);
    }

    public static TheoryData<string, byte[], string> BadTasks => new()
    {
        { "empty", [], "empty" },
        { "white space", " \n\t"u8.ToArray(), "empty" },
        { "oversized", Encoding.UTF8.GetBytes(new string('a', 64 * 1024 + 1)), "65536 bytes" },
        { "invalid UTF-8", [0x48, 0x69, 0xc3, 0x28], "not valid UTF-8" },
        { "absurd dots", Encoding.UTF8.GetBytes(new string('.', 601)), "601 dots" },
    };

    [Theory]
    [MemberData(nameof(BadTasks))]
    public async Task Bad_input_gets_400_problem_details_saying_what_is_wrong(string kind, byte[] body, string reason)
    {
        using var producer = fixture.App.CreateProducerClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        using var response = await producer.PostAsync("/tasks", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{kind}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_plain_text_gets_415()
    {
        using var producer = fixture.App.CreateProducerClient();

        using var response = await producer.PostAsync("/tasks", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/plain", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not json", "not a JSON array")]
    [InlineData("{\"a\":1}", "not a JSON array")]
    [InlineData("[]", "empty")]
    [InlineData("[1,2]", "not a JSON array")]
    public async Task A_malformed_batch_gets_400(string json, string reason)
    {
        using var producer = fixture.App.CreateProducerClient();

        using var response = await producer.PostAsync("/tasks/batch", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_batch_with_one_bad_task_is_refused_whole_naming_the_bad_one()
    {
        using var producer = fixture.App.CreateProducerClient();
        var json = JsonSerializer.Serialize(new[] { "fine.", "", "also fine" });

        using var response = await producer.PostAsync("/tasks/batch", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("none was queued", body.RootElement.GetProperty("title").GetString());
        Assert.Equal(["[1]"], body.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Health_endpoints_answer_for_the_producer_and_the_workers()
    {
        using var producer = fixture.App.CreateProducerClient();
        using var worker = fixture.App.App.CreateHttpClient("worker");

        Assert.Equal("Healthy", await producer.GetStringAsync("/health"));
        Assert.Equal("Healthy", await producer.GetStringAsync("/alive"));
        Assert.Equal("Healthy", await worker.GetStringAsync("/health"));
    }
}
