using System.Text;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests;

/// <summary>Passwords stay out of logs and out of reach.</summary>
[Collection(AppHostCollection.Name)]
public sealed class SecretsTests(AppHostFixture fixture)
{
    [Fact]
    public async Task No_log_line_anywhere_holds_the_broker_password()
    {
        // Make every service log something first: a task through the whole system, and a CLI run.
        using var producer = fixture.App.CreateProducerClient();
        using (await producer.PostAsync("/tasks", new StringContent($"secret check {Guid.NewGuid():N}", Encoding.UTF8, "text/plain")))
        {
        }

        var structured = await fixture.App.Dashboard.GetLogsAsync(service: null);
        var console = new StringBuilder();
        foreach (var name in new[] { "messaging", "producer" })
        {
            console.Append(await fixture.App.ConsoleLogAsync(name));
        }

        Assert.NotEmpty(structured);
        Assert.True(console.Length > 0);
        Assert.DoesNotContain(structured, record => record.Message.Contains(fixture.App.Password, StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.App.Password, console.ToString());
    }

    [LocalBrokerFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_local_brokers_configuration_file_is_readable_by_its_owner_only()
    {
        var local = Assert.IsType<LocalRabbitMQResource>(fixture.App.Resource("messaging"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(local.Folder.ConfigFile));
        Assert.Contains(fixture.App.Password, File.ReadAllText(local.Folder.ConfigFile));
    }
}
