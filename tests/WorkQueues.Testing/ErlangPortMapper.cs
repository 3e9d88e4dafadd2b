using System.Diagnostics;

namespace WorkQueues.Testing;

/// <summary>
/// The epmd a test broker started on a port of its own (<c>ERL_EPMD_PORT</c>). Erlang leaves epmd running after the
/// broker; it is stopped by that port, so no other epmd on the machine is touched.
/// </summary>
public static class ErlangPortMapper
{
    /// <summary>Stops the epmd on <paramref name="port"/>, if one runs; it refuses while a node is still registered.</summary>
    public static async Task StopAsync(int port)
    {
        var start = new ProcessStartInfo("epmd", ["-port", port.ToString(), "-kill"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var epmd = Process.Start(start)!;
        await Task.WhenAll(epmd.StandardOutput.ReadToEndAsync(), epmd.StandardError.ReadToEndAsync(), epmd.WaitForExitAsync());
    }
}
