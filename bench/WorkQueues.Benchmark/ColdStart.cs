using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// The start a new user meets: <c>dotnet run --project WorkQueues.AppHost</c> (already built) with the local broker,
/// timed until the first task posted to the Producer is reported completed. The AppHost is built first, untimed;
/// <c>dotnet run</c>'s own up-to-date check is part of what is timed, as it is for the user.
/// </summary>
public static class ColdStart
{
    /// <summary>The Producer's address in the AppHost's run (its launch profile's fixed port, which README gives).</summary>
    private static readonly Uri Producer = new("http://localhost:5080");
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<TimeSpan> MeasureAsync(TimeSpan timeout, TextWriter progress)
    {
        var apphost = Path.Combine(RepositoryFolder.Root(), "WorkQueues.AppHost");
        EnsureFree(LaunchProfilePorts);
        await RunAsync("dotnet", ["build", apphost, "-nologo", "-v", "quiet"], timeout);

        var log = Path.Combine(ServiceProcess.LogFolder, "apphost.log");
        // setsid: the AppHost and what it starts (DCP, the broker, the services) form a process group of their own,
        // stopped together below by the group's id, which is the pid started here.
        var start = new ProcessStartInfo("setsid", ["/bin/sh", "-c", "exec dotnet run --project \"$0\" > \"$1\" 2>&1", apphost, log])
        {
            UseShellExecute = false,
        };
        // The local broker on ports of its own (and its own epmd and data folder), so a broker already on 5672 does
        // not matter and everything it started can be stopped afterwards.
        var epmdPort = FreePorts.Next();
        var dataRoot = Directory.CreateTempSubdirectory("workqueues-coldstart-").FullName;
        start.Environment["Messaging__Broker"] = "local";
        start.Environment["Messaging__AmqpPort"] = FreePorts.Next().ToString();
        start.Environment["Messaging__ManagementPort"] = FreePorts.Next().ToString();
        start.Environment["Messaging__EpmdPort"] = epmdPort.ToString();
        start.Environment["Messaging__DataRoot"] = dataRoot;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet run.");
        try
        {
            // No key: the AppHost's Development run answers a task posted without one, as README's first curl does.
            using var http = new HttpClient { BaseAddress = Producer, Timeout = TimeSpan.FromSeconds(5) };
            var id = await PostFirstTaskAsync(http, process, clock, timeout, log);
            progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] cold start: task accepted after {clock.Elapsed.TotalSeconds:0.0} s");
            await WaitForCompletedAsync(http, id, process, clock, timeout, log);
            return clock.Elapsed;
        }
        finally
        {
            await StopGroupAsync(process);
            // The broker's epmd detaches from the group: it is stopped by its own port, which only this run used, once
            // the broker has unregistered (epmd refuses to stop before; a bare -kill left it running).
            await ErlangPortMapper.StopAsync(epmdPort);
            Directory.Delete(dataRoot, recursive: true);
        }
    }

    /// <summary>The ports of the AppHost's http launch profile (dashboard, OTLP) and the Producer's, as a user runs them.</summary>
    private static readonly int[] LaunchProfilePorts = [15888, 19888, Producer.Port];

    private static void EnsureFree(IEnumerable<int> ports)
    {
        foreach (var port in ports)
        {
            try
            {
                using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
                listener.Start();
            }
            catch (System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"Cold start needs port {port} (the launch profile's) and something listens there: stop it, or leave coldstart out (--only).");
            }
        }
    }

    private static async Task<string> PostFirstTaskAsync(HttpClient http, Process process, Stopwatch clock, TimeSpan timeout, string log)
    {
        while (true)
        {
            Expire(process, clock, timeout, log, "the Producer to accept a task");
            try
            {
                using var response = await http.PostAsync("/tasks", new StringContent("First message.", Encoding.UTF8, "text/plain"));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return accepted.GetProperty("id").GetString()!;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(Poll);
        }
    }

    private static async Task WaitForCompletedAsync(HttpClient http, string id, Process process, Stopwatch clock, TimeSpan timeout, string log)
    {
        while (true)
        {
            Expire(process, clock, timeout, log, $"task {id} to be completed");
            using var response = await http.GetAsync($"/tasks/{id}");
            if (response.IsSuccessStatusCode
                && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() == "completed")
            {
                return;
            }

            await Task.Delay(Poll);
        }
    }

    private static void Expire(Process process, Stopwatch clock, TimeSpan timeout, string log, string what)
    {
        if (process.HasExited || clock.Elapsed > timeout)
        {
            var output = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "";
            throw new InvalidOperationException($"Cold start: no {what} after {clock.Elapsed.TotalSeconds:0} s (AppHost {(process.HasExited ? "exited" : "running")}):\n{output}");
        }
    }

    /// <summary>SIGTERM to the group, as a terminal's Ctrl+C reaches it; SIGKILL to whatever of it is left after 30 s.</summary>
    private static async Task StopGroupAsync(Process process)
    {
        var group = $"-{process.Id}";
        await RunAsync("kill", ["-TERM", "--", group], TimeSpan.FromSeconds(10), mayFail: true);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30) && await RunAsync("kill", ["-0", "--", group], TimeSpan.FromSeconds(10), mayFail: true))
        {
            await Task.Delay(Poll * 5);
        }

        await RunAsync("kill", ["-KILL", "--", group], TimeSpan.FromSeconds(10), mayFail: true);
    }

    private static async Task<bool> RunAsync(string file, string[] arguments, TimeSpan timeout, bool mayFail = false)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);
        if (process.ExitCode != 0 && !mayFail)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed:\n{await output}{await error}");
        }

        return process.ExitCode == 0;
    }
}
