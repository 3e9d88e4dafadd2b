using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace WorkQueues.Producer.Security;

/// <summary>
/// Authenticates a caller by the API key in its <c>X-Api-Key</c> header (on the event stream, <c>?api_key=</c> too),
/// compared in constant time with <c>Producer:AdminApiKey</c> and <c>Producer:ApiKey</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ProducerCredentials.Find(Context, ProducerCredentials.ApiKeyHeader, ProducerCredentials.ApiKeyQuery) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var result = Matches(presented, Options.AdminApiKey) ? Success("admin key", ProducerAccess.Tasks, ProducerAccess.Admin)
            : Matches(presented, Options.ApiKey) ? Success("task key", ProducerAccess.Tasks)
            : AuthenticateResult.Fail("The API key is not one of this Producer's keys.");
        return Task.FromResult(result);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"{SchemeName} header=\"{ProducerCredentials.ApiKeyHeader}\"");
        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string name, params string[] roles)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. roles.Select(role => new Claim(ClaimTypes.Role, role))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>
    /// Constant time whatever the input: both sides are hashed first, so neither the key's content nor its length
    /// shows in how long a wrong guess takes.
    /// </summary>
    private static bool Matches(string presented, string? key) =>
        !string.IsNullOrEmpty(key)
        && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
