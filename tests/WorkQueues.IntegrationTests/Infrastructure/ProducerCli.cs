using System.Diagnostics;
using System.Reflection;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>Runs the Producer's command-line mode as a real process, as a user would.</summary>
public static class ProducerCli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(params string[] args)
    {
        var configuration = typeof(ProducerCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var projectDirectory = Path.GetDirectoryName(new Projects.WorkQueues_Producer().ProjectPath)!;
        var assembly = Path.Combine(projectDirectory, "bin", configuration, "net10.0", "WorkQueues.Producer.dll");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test's own environment must not choose a broker for the command.
        start.Environment.Remove("ConnectionStrings__messaging");

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
