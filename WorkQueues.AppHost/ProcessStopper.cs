using System.Diagnostics;

namespace WorkQueues.AppHost;

/// <summary>
/// Stops a process as a platform would: SIGTERM, a grace period, then SIGKILL of its tree. The AppHost stops a broker
/// node left running by a killed run this way; the tests and the bench stop what they started.
/// </summary>
public static class ProcessStopper
{
    public static async Task StopAsync(Process process, TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        ProcessSignals.Send(process.Id, ProcessSignals.Terminate);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
