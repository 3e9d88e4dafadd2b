using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace WorkQueues.IntegrationTests.Infrastructure;

/// <summary>
/// The built AppHost run as a real process, as <c>dotnet run</c> runs it, so it can be stopped the way a person stops
/// it (Ctrl+C) or killed. Its output is kept; every process it starts carries its <see cref="Processes"/> marker.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _dashboard = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(ProcessStartInfo start, MarkedProcesses processes)
    {
        Processes = processes;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public MarkedProcesses Processes { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the AppHost with <paramref name="settings"/> as environment variables (<c>Section__Key</c>).</summary>
    public static AppHostProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        // The AppHost's metadata names its folder (a service project's names its .csproj).
        var projectDirectory = Projects.WorkQueues_AppHost.ProjectPath;
        // Through env, which restores SIGINT as a terminal has it: this test run may have been started with it ignored
        // (a background job), and the AppHost would inherit that. env then becomes the AppHost (exec), same pid.
        // --default-signal needs GNU coreutils 8.31 or later (Debian 11+, Ubuntu 22.04+).
        var start = new ProcessStartInfo("env", ["--default-signal=INT", BuiltProgram(projectDirectory, "WorkQueues.AppHost")])
        {
            // The content root, as under dotnet run: appsettings.json is read from there.
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        var marker = new MarkedProcesses(Guid.NewGuid().ToString("N"));
        // What the http launch profile sets, with the dashboard on free ports and the services' proxies on random ones.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        start.Environment["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true";
        start.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePorts.Next()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePorts.Next()}";
        start.Environment["DcpPublisher__RandomizePorts"] = "true";
        // Given, so a test never writes generated keys into the user secrets (the other lane may write there too).
        start.Environment["Parameters__producer-api-key"] = Guid.NewGuid().ToString("N");
        start.Environment["Parameters__producer-admin-key"] = Guid.NewGuid().ToString("N");
        start.Environment[MarkedProcesses.VariableName] = marker.Marker;
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return new AppHostProcess(start, marker);
    }

    /// <summary>A project's program as this test run's build made it: bin/{configuration}/net10.0/{name}.</summary>
    private static string BuiltProgram(string projectDirectory, string name)
    {
        var configuration = typeof(AppHostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(projectDirectory, "bin", configuration, "net10.0", name);
    }

    /// <summary>The dashboard's address, from the AppHost's "Now listening on" line.</summary>
    public Task<Uri> DashboardAsync(TimeSpan timeout) => _dashboard.Task.WaitAsync(timeout);

    /// <summary>The Producer's own address (behind DCP's proxy), from the environment DCP gave its process.</summary>
    public async Task<Uri> ProducerAsync(TimeSpan timeout)
    {
        var url = await Eventually.ReturnsAsync(
            () => _process.HasExited
                ? throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode}.")
                : Task.FromResult(Processes.Alive().Where(p => p.Name.StartsWith("WorkQueues.Prod", StringComparison.Ordinal))
                    .Select(p => ReadVariable(p.Pid, "ASPNETCORE_URLS")).FirstOrDefault(u => u is not null)),
            url => url is not null,
            timeout,
            "the Producer process");
        return new Uri(url!.Split(';')[0]);
    }

    /// <summary>Sends <paramref name="signal"/> to the AppHost process itself, as a terminal's Ctrl+C or <c>kill</c> does.</summary>
    public void Signal(int signal) => WorkQueues.AppHost.ProcessSignals.Send(_process.Id, signal);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _dashboard.TrySetResult(new Uri(listening.Groups[1].Value));
        }
    }

    private static string? ReadVariable(int pid, string name)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0')
                .FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>Waits until every process the AppHost started has exited, but the epmd Erlang leaves behind.</summary>
    public Task WaitUntilAllExitedAsync(TimeSpan timeout) =>
        Eventually.ReturnsAsync(
            () => Task.FromResult(string.Join(", ", Processes.Alive().Where(p => p.Name != "epmd"))),
            left => left.Length == 0,
            timeout,
            "every process the AppHost started to exit");

    /// <summary>
    /// Stops the AppHost with SIGTERM if it still runs, and waits until every process it started has exited, so the
    /// next run starts on a quiet machine and none is left behind.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await WorkQueues.AppHost.ProcessStopper.StopAsync(_process, TimeSpan.FromSeconds(60));
        await WaitUntilAllExitedAsync(TimeSpan.FromSeconds(90));
        _process.Dispose();
    }
}
