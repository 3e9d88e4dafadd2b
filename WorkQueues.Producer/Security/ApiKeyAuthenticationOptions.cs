using Microsoft.AspNetCore.Authentication;

namespace WorkQueues.Producer.Security;

/// <summary>The Producer's two API keys, bound from the <c>Producer</c> section (<c>Producer:ApiKey</c>, <c>Producer:AdminApiKey</c>).</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>Sends tasks and reads their status.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Everything the task key may do, and the dead-letter routes, which read task bodies and move messages.</summary>
    public string? AdminApiKey { get; set; }
}
