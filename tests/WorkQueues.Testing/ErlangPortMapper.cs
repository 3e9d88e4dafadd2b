using System.Diagnostics;

namespace WorkQueues.Testing;

/// <summary>
/// The epmd a test broker started on a port of its own (<c>ERL_EPMD_PORT</c>). Erlang leaves epmd running after the
/// broker; it is stopped by that port, so no other epmd on the machine is touched.
/// </summary>
public static class ErlangPortMapper
{
    /// <summary>
    /// Stops the epmd on <paramref name="port"/>, if one runs, once no node is registered with it any more (epmd
    /// refuses to stop before): an AppHost returns before its broker has finished stopping.
    /// </summary>
    public static async Task StopAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await RunAsync(port, "-names") is { ExitCode: 0 } names
            && names.Output.Contains("\nname ", StringComparison.Ordinal)
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        await RunAsync(port, "-kill");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(int port, string command)
    {
        var start = new ProcessStartInfo("epmd", ["-port", port.ToString(), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var epmd = Process.Start(start)!;
        var output = epmd.StandardOutput.ReadToEndAsync();
        var error = epmd.StandardError.ReadToEndAsync();
        await epmd.WaitForExitAsync();
        return (epmd.ExitCode, await output + await error);
    }
}
