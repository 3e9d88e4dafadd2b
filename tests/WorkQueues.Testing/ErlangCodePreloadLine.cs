using System.Text.RegularExpressions;
using WorkQueues.AppHost.Messaging;

namespace WorkQueues.Testing;

/// <summary>
/// The line a local broker's code preload prints when done (<see cref="ErlangCodePreload.DoneMarker"/>), read from
/// <c>erl</c>'s output or from a broker's console log, which may put more around it.
/// </summary>
public sealed partial record ErlangCodePreloadLine(int Modules, int Applications, int NotLoaded)
{
    public static ErlangCodePreloadLine? Parse(string line)
    {
        var match = Pattern().Match(line);
        return match.Success
            ? new(int.Parse(match.Groups["modules"].Value), int.Parse(match.Groups["applications"].Value), int.Parse(match.Groups["failed"].Value))
            : null;
    }

    [GeneratedRegex($@"{ErlangCodePreload.DoneMarker} (?<modules>\d+) modules of (?<applications>\d+) applications in \d+ ms, (?<failed>\d+) not loaded")]
    private static partial Regex Pattern();
}
