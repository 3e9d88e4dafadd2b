using WorkQueues.AppHost.Messaging;

namespace WorkQueues.AppHost.Tests;

/// <summary>The flags' shape; what erl does with them is checked against the installed Erlang in the integration tests.</summary>
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
    public void Both_lines_it_may_print_start_with_their_markers()
    {
        Assert.Contains($"io:format(\"{ErlangCodePreload.DoneMarker} ~b modules", ErlangCodePreload.Flags);
        Assert.Contains($"io:format(\"{ErlangCodePreload.FailedMarker} ~p:~p", ErlangCodePreload.Flags);
    }
}
