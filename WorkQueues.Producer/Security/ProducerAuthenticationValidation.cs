using Microsoft.Extensions.Options;

namespace WorkQueues.Producer.Security;

/// <summary>
/// Fails closed: outside Development a Producer with neither scheme configured refuses to start and says why, and so
/// does one with keys too short or alike, or a bearer scheme that would take tokens meant for any audience.
/// </summary>
public sealed class ProducerAuthenticationValidation(IHostEnvironment environment, IConfiguration configuration)
    : IValidateOptions<ApiKeyAuthenticationOptions>
{
    public const int MinKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiKeyAuthenticationOptions options)
    {
        if (name != ApiKeyAuthenticationHandler.SchemeName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (ProducerAuthentication.UsesBearer(configuration))
        {
            var bearer = configuration.GetSection(ProducerAuthentication.BearerSection);
            if (string.IsNullOrEmpty(bearer["ValidAudience"]) && !bearer.GetSection("ValidAudiences").GetChildren().Any())
            {
                failures.Add($"{ProducerAuthentication.BearerSection} needs ValidAudiences (or ValidAudience): without one, a token the issuer made for any other API would be accepted.");
            }
        }
        else if (!environment.IsDevelopment() && (string.IsNullOrEmpty(options.ApiKey) || string.IsNullOrEmpty(options.AdminApiKey)))
        {
            failures.Add(
                $"The Producer runs in the '{environment.EnvironmentName}' environment with no authentication configured: set both " +
                $"Producer:ApiKey and Producer:AdminApiKey, or {ProducerAuthentication.BearerSection}:Authority. Only Development runs without.");
        }

        foreach (var (key, value) in new[] { ("Producer:ApiKey", options.ApiKey), ("Producer:AdminApiKey", options.AdminApiKey) })
        {
            if (!string.IsNullOrEmpty(value) && value.Length < MinKeyLength)
            {
                failures.Add($"{key} must be at least {MinKeyLength} characters long.");
            }
        }

        if (!string.IsNullOrEmpty(options.ApiKey) && options.ApiKey == options.AdminApiKey)
        {
            failures.Add("Producer:ApiKey and Producer:AdminApiKey must differ: the task key must not open the admin routes.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
