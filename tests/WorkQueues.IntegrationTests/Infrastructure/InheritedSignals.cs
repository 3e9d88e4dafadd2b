namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// Signals a process ignores, which every process it starts inherits: a shell without job control starts a
/// background job (<c>cmd &amp;</c>) with SIGINT and SIGQUIT ignored, and .NET keeps that for its children, so an
/// AppHost started from such a test run could not be stopped with Ctrl+C's signal at all. <see cref="AppHostProcess"/>
/// therefore starts it with SIGINT restored, as a terminal has it.
/// </summary>
public static class InheritedSignals
{
    /// <summary>Whether process <paramref name="pid"/> ignores <paramref name="signal"/> (the <c>SigIgn</c> mask of its <c>/proc/PID/status</c>).</summary>
    public static bool IsIgnoredBy(int pid, int signal)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
            && (mask & (1UL << (signal - 1))) != 0;
    }
}
