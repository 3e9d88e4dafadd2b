using System.Diagnostics;

namespace WorkQueues.Benchmark;

/// <summary>
/// A Producer or Worker running as its own process from the build of the bench's configuration (Release when run as
/// README says), with its output kept only for error messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly Queue<string> _recent = new();
    private long _peakRss;

    private ServiceProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public Stopwatch SinceStart { get; } = Stopwatch.StartNew();

    /// <summary>The most memory the process has had resident (VmHWM), in bytes; kept after it exits.</summary>
    public long PeakRssBytes => _peakRss = Math.Max(_peakRss, ReadPeakRss(_process.Id));

    public static ServiceProcess Start(string project, string name, IReadOnlyDictionary<string, string> environment)
    {
        var binary = Binary(project);
        var port = BenchBroker.FreePort();
        var start = new ProcessStartInfo("dotnet", [binary])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // appsettings.json is read from the content root, the working directory.
            WorkingDirectory = Path.GetDirectoryName(binary)!,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["OTEL_SERVICE_NAME"] = name;
        start.Environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var service = new ServiceProcess(name, process, port);
        process.OutputDataReceived += (_, line) => service.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => service.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>The service's entry assembly in the same configuration and framework folders as the bench's own.</summary>
    public static string Binary(string project)
    {
        var benchProject = new DirectoryInfo(AppContext.BaseDirectory);
        while (benchProject is not null && !File.Exists(Path.Combine(benchProject.FullName, "WorkQueues.Benchmark.csproj")))
        {
            benchProject = benchProject.Parent;
        }

        if (benchProject?.Parent?.Parent is not { } repository)
        {
            throw new InvalidOperationException("Run the bench from its project (dotnet run --project bench/WorkQueues.Benchmark).");
        }

        var output = Path.GetRelativePath(benchProject.FullName, AppContext.BaseDirectory);
        var binary = Path.Combine(repository.FullName, project, output, project + ".dll");
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"{binary} is not built.", binary);
    }

    /// <summary>Throws with the service's last output if it exited.</summary>
    public void EnsureRunning()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:\n{RecentOutput}");
        }
    }

    public string RecentOutput
    {
        get
        {
            lock (_recent)
            {
                return string.Join('\n', _recent);
            }
        }
    }

    /// <summary>Stops the service as a platform would (SIGTERM), after noting its peak memory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = PeakRssBytes;
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }
        }
    }

    private static long ReadPeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
