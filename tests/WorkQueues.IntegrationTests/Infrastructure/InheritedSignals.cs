namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// Signals this process ignores, which every process it starts inherits: a shell without job control starts a
/// background job (<c>cmd &amp;</c>) with SIGINT and SIGQUIT ignored, and .NET keeps that for its children, so an
/// AppHost started from such a test run cannot be stopped with Ctrl+C's signal at all.
/// </summary>
public static class InheritedSignals
{
    /// <summary>Whether <paramref name="signal"/> is ignored here (the <c>SigIgn</c> mask of <c>/proc/self/status</c>).</summary>
    public static bool IsIgnored(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
            && (mask & (1UL << (signal - 1))) != 0;
    }
}
