using System.Diagnostics;

namespace WorkQueues.Testing;

/// <summary>A program run to its end by a test, for what it printed.</summary>
public static class ProgramRun
{
    /// <summary>
    /// Runs <paramref name="start"/> and returns its standard output. Throws with everything it printed when it exits
    /// non-zero; when it outlives <paramref name="timeout"/>, stops it and its children first, so nothing is left running.
    /// </summary>
    public static async Task<string> OutputOfAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} still ran after {timeout}; stopped.");
        }

        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{start.FileName} exited with code {process.ExitCode}:\n{await output}{await error}");
    }
}
