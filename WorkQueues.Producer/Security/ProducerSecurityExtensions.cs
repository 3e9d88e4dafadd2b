using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace WorkQueues.Producer.Security;

/// <summary>Who may call the Producer, and how often: authentication, the two policies, and the rate limit on POSTs.</summary>
public static class ProducerSecurityExtensions
{
    /// <summary>The rate limiting policy of every route that changes state.</summary>
    public const string RateLimitPolicy = "post";

    public static IHostApplicationBuilder AddProducerSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProducerAuthentication();

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ProducerAccessHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(ProducerAccess.Tasks, policy => policy.AddRequirements(new ProducerAccessRequirement(ProducerAccess.Tasks)))
            .AddPolicy(ProducerAccess.Admin, policy => policy.AddRequirements(new ProducerAccessRequirement(ProducerAccess.Admin)));

        services.AddOptions<ProducerRateLimitOptions>()
            .BindConfiguration(ProducerRateLimitOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProducerRateLimitOptions>, ProducerRateLimitOptionsValidator>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            options.AddPolicy(RateLimitPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<ProducerRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(
                    $"{context.User.Identity?.Name}|{context.Connection.RemoteIpAddress}",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = limits.PermitLimit,
                        Window = limits.Window,
                        QueueLimit = limits.QueueLimit,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    });
            });
        });

        // Refusals that carry no body of their own (401, 403, 429) are answered with a ProblemDetails that says why.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => "This route needs credentials: the API key in the X-Api-Key header, or a bearer token, as this Producer is configured.",
                StatusCodes.Status403Forbidden => "These credentials do not allow this route: the dead-letter routes need the admin key (or the admin role).",
                StatusCodes.Status429TooManyRequests => "Too many requests from this caller (Producer:RateLimit); try again after the Retry-After seconds. Nothing of this request was queued.",
                _ => null,
            });
        return builder;
    }

    /// <summary>Security headers, ProblemDetails for bare refusals, authentication, authorization, then rate limiting.</summary>
    public static WebApplication UseProducerSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
