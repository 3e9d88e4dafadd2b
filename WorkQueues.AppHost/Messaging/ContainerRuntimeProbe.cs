using System.Diagnostics;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// Asks the container runtime whether its engine answers. Aspire itself would wait forever for a runtime that is
/// not there, so the choice is made before any container resource exists.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static bool IsHealthy(string runtime, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(output.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // The runtime's client is not installed at all.
            return false;
        }
    }
}
