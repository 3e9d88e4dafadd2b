using System.Security.Claims;
using WorkQueues.Producer.Security;

namespace WorkQueues.Producer.Tests.Security;

public class ProducerAccessTests
{
    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    [Theory]
    [InlineData(ClaimTypes.Role, "tasks", "tasks", true)]
    [InlineData(ClaimTypes.Role, "tasks", "admin", false)]
    [InlineData(ClaimTypes.Role, "admin", "tasks", true)]
    [InlineData("roles", "admin", "admin", true)]
    [InlineData("scp", "read tasks", "tasks", true)]
    [InlineData("scope", "openid admin", "admin", true)]
    [InlineData("scope", "administrator", "admin", false)]
    [InlineData("sub", "admin", "admin", false)]
    public void A_role_or_scope_grants_access_and_admin_includes_tasks(string type, string value, string access, bool granted) =>
        Assert.Equal(granted, ProducerAccess.Grants(User((type, value)), access));
}
