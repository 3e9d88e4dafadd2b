using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using WorkQueues.Producer.Security;

namespace WorkQueues.Producer.Tests.Security;

public class ProducerAuthenticationValidationTests
{
    private const string Key = "task-key-0123456789abcdef";
    private const string AdminKey = "admin-key-0123456789abcdef";

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(
        string environment, string? apiKey, string? adminKey, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var validation = new ProducerAuthenticationValidation(new HostingEnvironment { EnvironmentName = environment }, configuration);
        return validation.Validate(ApiKeyAuthenticationHandler.SchemeName, new ApiKeyAuthenticationOptions { ApiKey = apiKey, AdminApiKey = adminKey });
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Outside_development_no_scheme_fails_and_says_what_to_set(string environment)
    {
        var result = Validate(environment, null, null);

        Assert.True(result.Failed);
        Assert.Contains("no authentication configured", result.FailureMessage);
        Assert.Contains("Producer:ApiKey", result.FailureMessage);
        Assert.Contains("Authentication:Schemes:Bearer:Authority", result.FailureMessage);
    }

    [Fact]
    public void Outside_development_one_key_alone_is_not_enough() =>
        Assert.True(Validate(Environments.Production, Key, null).Failed);

    [Fact]
    public void Development_runs_without_keys() => Assert.True(Validate(Environments.Development, null, null).Succeeded);

    [Fact]
    public void Both_keys_are_enough() => Assert.True(Validate(Environments.Production, Key, AdminKey).Succeeded);

    [Fact]
    public void Keys_must_be_long_and_differ()
    {
        Assert.Contains("at least 16 characters", Validate(Environments.Production, "short", AdminKey).FailureMessage);
        Assert.Contains("must differ", Validate(Environments.Production, Key, Key).FailureMessage);
    }

    [Fact]
    public void A_bearer_authority_replaces_the_keys_but_needs_an_audience()
    {
        var authorityOnly = new Dictionary<string, string?> { ["Authentication:Schemes:Bearer:Authority"] = "https://login.example" };
        var withAudience = new Dictionary<string, string?>(authorityOnly) { ["Authentication:Schemes:Bearer:ValidAudiences:0"] = "api://workqueues" };

        Assert.Contains("ValidAudiences", Validate(Environments.Production, null, null, authorityOnly).FailureMessage);
        Assert.True(Validate(Environments.Production, null, null, withAudience).Succeeded);
    }
}
