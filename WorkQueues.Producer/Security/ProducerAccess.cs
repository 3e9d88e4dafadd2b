using System.Security.Claims;

namespace WorkQueues.Producer.Security;

/// <summary>
/// Who may do what: the two authorization policies, and the role (or scope) each one asks of a caller. The API key
/// scheme gives the task key the role <c>tasks</c> and the admin key both roles; a bearer token needs a role or a
/// scope of the same name.
/// </summary>
public static class ProducerAccess
{
    /// <summary>Send tasks and read their status.</summary>
    public const string Tasks = "tasks";

    /// <summary>Read dead letters (whole task bodies) and move messages.</summary>
    public const string Admin = "admin";

    // Entra ID puts app roles in "roles" and scopes in "scp"; other issuers use "role" and "scope". JwtBearer maps some
    // of them to the long claim types, so every spelling is read.
    private static readonly string[] RoleClaims = [ClaimTypes.Role, "role", "roles"];
    private static readonly string[] ScopeClaims = ["scope", "scp", "http://schemas.microsoft.com/identity/claims/scope"];

    /// <summary>Whether the caller holds <paramref name="access"/>; <see cref="Admin"/> holds <see cref="Tasks"/> too.</summary>
    public static bool Grants(ClaimsPrincipal user, string access) =>
        Holds(user, access) || (access == Tasks && Holds(user, Admin));

    private static bool Holds(ClaimsPrincipal user, string name) =>
        user.Claims.Any(claim =>
            (RoleClaims.Contains(claim.Type) && claim.Value == name)
            || (ScopeClaims.Contains(claim.Type) && claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(name)));
}
