using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace WorkQueues.Producer.Security;

/// <summary>
/// Which scheme authenticates callers. Bearer tokens (JwtBearer, configured from <c>Authentication:Schemes:Bearer</c>
/// as ASP.NET Core binds it) when that section names an <c>Authority</c>, or <c>SigningKeys</c> as
/// <c>dotnet user-jwts</c> writes them; otherwise the two API keys.
/// </summary>
public static class ProducerAuthentication
{
    public const string BearerSection = "Authentication:Schemes:" + JwtBearerDefaults.AuthenticationScheme;

    public static bool UsesBearer(IConfiguration configuration)
    {
        var bearer = configuration.GetSection(BearerSection);
        return !string.IsNullOrEmpty(bearer["Authority"]) || bearer.GetSection("SigningKeys").Exists();
    }

    /// <summary>
    /// Both schemes, and the default chosen from the configuration when options are first read (not while services
    /// are registered, so configuration a host adds late still counts); only the default scheme is ever asked.
    /// </summary>
    public static void AddProducerAuthentication(this IServiceCollection services)
    {
        // The two keys by name: binding the whole section would reach AuthenticationSchemeOptions' TimeProvider, which
        // the configuration binder's source generator (on with Native AOT) cannot create.
        services.AddOptions<ApiKeyAuthenticationOptions>(ApiKeyAuthenticationHandler.SchemeName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                var producer = configuration.GetSection(ProducerOptions.SectionName);
                options.ApiKey = producer[nameof(ApiKeyAuthenticationOptions.ApiKey)];
                options.AdminApiKey = producer[nameof(ApiKeyAuthenticationOptions.AdminApiKey)];
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyAuthenticationOptions>, ProducerAuthenticationValidation>();
        services.AddOptions<AuthenticationOptions>().Configure<IConfiguration>((options, configuration) =>
            options.DefaultScheme = UsesBearer(configuration) ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName);

        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null)
            .AddJwtBearer(options => options.Events = new JwtBearerEvents
            {
                // The header as usual; on the event stream, which EventSource opens without headers, ?access_token= too.
                OnMessageReceived = context =>
                {
                    if (string.IsNullOrEmpty(context.Request.Headers.Authorization)
                        && ProducerCredentials.FromQuery(context.HttpContext, ProducerCredentials.AccessTokenQuery) is { } token)
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            });
    }
}
