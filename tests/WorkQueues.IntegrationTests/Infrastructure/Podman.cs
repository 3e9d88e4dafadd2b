using System.Diagnostics;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// Podman as the container-path tests use it: with the repository's containers.conf (unless CONTAINERS_CONF names
/// another), which the AppHost's DCP inherits from this process too.
/// </summary>
public static class Podman
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string Line => Output.Trim();
    }

    /// <summary>Points podman, here and in every process this one starts, at the repository's containers.conf.</summary>
    public static void UseRepositoryConfiguration()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CONTAINERS_CONF")))
        {
            Environment.SetEnvironmentVariable("CONTAINERS_CONF", Path.Combine(RepositoryFolder.Root(), "containers.conf"));
        }
    }

    public static Task<Result> RunAsync(params string[] args) => RunProcessAsync("podman", args);

    /// <summary>Runs a program to its end and returns what it printed; a missing program is exit code 127.</summary>
    public static async Task<Result> RunProcessAsync(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await output, await error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new Result(127, "", ex.Message);
        }
    }
}
