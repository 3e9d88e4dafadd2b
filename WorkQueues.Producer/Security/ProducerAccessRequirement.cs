using System.Net;
using Microsoft.AspNetCore.Authorization;

namespace WorkQueues.Producer.Security;

/// <summary>The caller must hold <see cref="Access"/> (<see cref="ProducerAccess.Tasks"/> or <see cref="ProducerAccess.Admin"/>).</summary>
public sealed record ProducerAccessRequirement(string Access) : IAuthorizationRequirement;

/// <summary>
/// Grants a requirement to a caller that holds it, and, in Development only, to a caller on this machine that presents
/// no credentials at all: the AppHost's run mode, where the page and curl work without a key. A key or token that is
/// presented is always checked, so a wrong one is refused there too.
/// </summary>
public sealed class ProducerAccessHandler(IHostEnvironment environment) : AuthorizationHandler<ProducerAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ProducerAccessRequirement requirement)
    {
        if (ProducerAccess.Grants(context.User, requirement.Access)
            || (environment.IsDevelopment() && context.Resource is HttpContext http && IsLocalWithoutCredentials(http)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool IsLocalWithoutCredentials(HttpContext http) =>
        !ProducerCredentials.ArePresented(http)
        // No address: an in-process test server, on this machine by definition.
        && (http.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address));
}
