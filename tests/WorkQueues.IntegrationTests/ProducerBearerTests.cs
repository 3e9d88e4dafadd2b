using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WorkQueues.IntegrationTests;

/// <summary>
/// The Producer with a bearer scheme instead of the keys. The test is its own issuer: a symmetric signing key given
/// as ASP.NET Core binds <c>Authentication:Schemes:Bearer:SigningKeys</c> (as <c>dotnet user-jwts</c> writes it), where a
/// deployment names an <c>Authority</c>; the validation of issuer, audience and signature is JwtBearer's own.
/// </summary>
[Collection(ProducerCollection.Name)]
public sealed class ProducerBearerTests(ProducerFixture fixture) : IDisposable
{
    private const string Issuer = "https://issuer.workqueues.test";
    private const string Audience = "api://workqueues-producer";
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private readonly ProducerHost _producer = fixture.Start(new Dictionary<string, string?>
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(SigningKey),
    });

    private static string Token(string? role, string issuer = Issuer, string audience = Audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Subject = new ClaimsIdentity(role is null ? [new Claim("sub", "tester")] : [new Claim("sub", "tester"), new Claim("role", role)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(SigningKey), SecurityAlgorithms.HmacSha256),
        });

    private HttpClient Client(string token)
    {
        var client = _producer.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent Task() => new("Bearer task.", Encoding.UTF8, "text/plain");

    [Fact]
    public async Task A_token_with_the_tasks_role_sends_tasks_but_does_not_open_the_dead_letters()
    {
        using var client = Client(Token("tasks"));

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/tasks", Task())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dead-letters")).StatusCode);
    }

    [Fact]
    public async Task A_token_with_the_admin_role_opens_the_dead_letters()
    {
        using var client = Client(Token("admin"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dead-letters")).StatusCode);
    }

    [Theory]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("no role")]
    [InlineData("an API key instead")]
    public async Task A_token_from_another_issuer_or_for_another_audience_is_refused(string kind)
    {
        using var client = kind switch
        {
            "wrong issuer" => Client(Token("admin", issuer: "https://someone-else.test")),
            "wrong audience" => Client(Token("admin", audience: "api://another-api")),
            "no role" => Client(Token(null)),
            _ => _producer.Client(ProducerHost.AdminApiKey), // the bearer scheme replaces the keys
        };

        using var response = await client.PostAsync("/tasks", Task());

        Assert.Equal(kind == "no role" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_takes_the_token_as_access_token()
    {
        using var client = _producer.Client();
        client.Timeout = Timeout.InfiniteTimeSpan;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using var stream = await client.GetStreamAsync($"/tasks/events?access_token={Token("tasks")}", timeout.Token);
        using var reader = new StreamReader(stream);

        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));
    }

    public void Dispose() => _producer.Dispose();
}
