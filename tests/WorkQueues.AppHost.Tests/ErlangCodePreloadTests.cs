using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

public sealed class ErlangCodePreloadTests
{
    [Fact]
    public void The_flags_are_one_eval_on_one_line_that_erl_keeps_whole()
    {
        var flags = ErlangCodePreload.Flags;

        Assert.StartsWith("-eval '", flags);
        Assert.EndsWith(".'", flags);
        // erl splits ERL_AFLAGS on spaces outside single quotes: the expression itself must hold none.
        Assert.Equal(2, flags.Count(c => c == '\''));
        Assert.DoesNotContain('\n', flags);
    }

    [Fact]
    public void It_loads_what_RabbitMQ_would_load_and_never_stops_the_boot()
    {
        var flags = ErlangCodePreload.Flags;

        Assert.Contains("RABBITMQ_ENABLED_PLUGINS_FILE", flags);
        Assert.Contains("code:ensure_modules_loaded(Modules)", flags);
        Assert.Contains(ErlangCodePreload.DoneMarker, flags);
        Assert.StartsWith("-eval 'try ", flags);
        Assert.Contains(" catch Class:Reason -> ", flags);
    }

    [Fact]
    public void The_local_broker_is_started_with_it()
    {
        var root = Directory.CreateTempSubdirectory("workqueues-preload-tests-").FullName;
        try
        {
            var environment = LocalRabbitMQDataFolder.Open(root, 5999).ServerEnvironment(5999, "127.0.0.1", 4444);

            Assert.Equal(ErlangCodePreload.Flags, environment[ErlangCodePreload.Variable]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
