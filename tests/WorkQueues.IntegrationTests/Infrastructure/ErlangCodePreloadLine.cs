using System.Text.RegularExpressions;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The line a local broker's code preload prints when done (<see cref="ErlangCodePreload.DoneMarker"/>), read from
/// <c>erl</c>'s output or from a broker's console log, which may put more around it.
/// </summary>
/// <param name="Modules">The modules the preload asked for: those of RabbitMQ, its plugins and what they need.</param>
/// <param name="Applications">The applications those modules belong to.</param>
/// <param name="NotLoaded">The modules still not loaded after it.</param>
public sealed partial record ErlangCodePreloadLine(int Modules, int Applications, int NotLoaded)
{
    public static ErlangCodePreloadLine? Parse(string line)
    {
        var match = Pattern().Match(line);
        return match.Success
            ? new(Count(match, "modules"), Count(match, "applications"), Count(match, "notLoaded"))
            : null;
    }

    private static int Count(Match match, string group) => int.Parse(match.Groups[group].Value);

    [GeneratedRegex(
        $@"{ErlangCodePreload.DoneMarker} (?<modules>\d+) modules of (?<applications>\d+) applications in \d+ ms, (?<notLoaded>\d+) not loaded")]
    private static partial Regex Pattern();
}
