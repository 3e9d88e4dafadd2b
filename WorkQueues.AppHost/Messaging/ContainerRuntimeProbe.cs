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
        var start = new ProcessStartInfo(runtime, InfoArguments(runtime))
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

    /// <summary>
    /// <c>info</c> printing the engine's version, which only an engine that answers has. Podman's info has no
    /// <c>ServerVersion</c> (the template fails), so it is asked for its own version field.
    /// </summary>
    public static string[] InfoArguments(string runtime) =>
        Path.GetFileName(runtime).StartsWith("podman", StringComparison.OrdinalIgnoreCase)
            ? ["info", "--format", "{{.Version.Version}}"]
            : ["info", "--format", "{{.ServerVersion}}"];
}
