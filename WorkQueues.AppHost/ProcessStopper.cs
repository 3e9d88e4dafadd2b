using System.Diagnostics;

namespace WorkQueues.AppHost;

/// <summary>
/// Stops a process as a platform would: SIGTERM, a grace period, then SIGKILL of its tree. The tests and the bench stop
/// what they started this way (their own children, so an exited one is reaped, never left a zombie).
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
