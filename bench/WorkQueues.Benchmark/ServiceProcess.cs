using System.Diagnostics;
using System.Runtime.InteropServices;
using WorkQueues.AppHost;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// A Producer or Worker running as its own process, from its publish output or its Release build
/// (<see cref="ServiceBinaries"/>). Its output goes to a file, as a container's goes to the runtime's log, rather than through a pipe
/// the bench would spend CPU reading; the file is read only for error messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly string _log;
    private long _peakRss;
    private bool _disposed;

    private ServiceProcess(string name, Process process, int port, string log)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public Stopwatch SinceStart { get; } = Stopwatch.StartNew();

    /// <summary>The most memory the process has had resident (VmHWM), in bytes; kept after it exits.</summary>
    public long PeakRssBytes => _disposed ? _peakRss : _peakRss = Math.Max(_peakRss, ReadStatus(_process.Id, "VmHWM:"));

    /// <summary>CPU time the process has used so far, user and system.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            try
            {
                return CpuTimeOf(File.ReadAllText($"/proc/{_process.Id}/stat"));
            }
            catch (IOException)
            {
                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>
    /// utime + stime of a <c>/proc/PID/stat</c> line, in clock ticks of 10 ms (USER_HZ on Linux). The command name in
    /// parentheses may hold spaces, so the fields are counted from its closing parenthesis.
    /// </summary>
    public static TimeSpan CpuTimeOf(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "(comm) ": state is field 3 of the line, utime 14 and stime 15.
        var ticks = long.Parse(fields[14 - 3]) + long.Parse(fields[15 - 3]);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>The memory the process has resident now (VmRSS), in bytes.</summary>
    public long RssBytes => ReadStatus(_process.Id, "VmRSS:");

    /// <summary>Stops the process where it is (SIGSTOP): its connections stay open, it does nothing until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(SigStop);

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public void Thaw() => Signal(SigCont);

    private const int SigCont = 18;
    private const int SigStop = 19;

    private void Signal(int signal)
    {
        EnsureRunning();
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Could not signal {Name} ({signal}): errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public static ServiceProcess Start(ServiceBinaries binaries, string project, string name, IReadOnlyDictionary<string, string> environment)
    {
        var (file, arguments, folder) = binaries.Command(project);
        var port = FreePorts.Next();
        var log = Path.Combine(LogFolder, $"{name}-{port}.log");
        // exec: the process the bench watches (and measures) is the service itself, not a shell.
        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" > \"$LOG\" 2>&1", file, .. arguments])
        {
            UseShellExecute = false,
            // appsettings.json is read from the content root, the working directory.
            WorkingDirectory = folder,
        };
        start.Environment["LOG"] = log;
        foreach (var (key, value) in binaries.ImageEnvironment(project))
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["OTEL_SERVICE_NAME"] = name;
        start.Environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={name}";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        return new ServiceProcess(name, process, port, log);
    }

    /// <summary>Where the services' output of this run goes; removed when the run ends well.</summary>
    public static string LogFolder { get; } = Directory.CreateTempSubdirectory("workqueues-bench-").FullName;

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
            try
            {
                using var reader = new StreamReader(new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                var lines = new Queue<string>();
                while (reader.ReadLine() is { } line)
                {
                    lines.Enqueue(line);
                    if (lines.Count > KeptLines)
                    {
                        lines.Dequeue();
                    }
                }

                return string.Join('\n', lines);
            }
            catch (IOException ex)
            {
                return $"(no output: {ex.Message})";
            }
        }
    }

    /// <summary>Stops the service as a platform would (SIGTERM), after noting its peak memory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _ = PeakRssBytes;
        }

        await ProcessStopper.StopAsync(_process, TimeSpan.FromSeconds(30));

        _process.Dispose();
    }

    private static long ReadStatus(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
