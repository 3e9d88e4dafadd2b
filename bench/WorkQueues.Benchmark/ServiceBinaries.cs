using System.Diagnostics;
using WorkQueues.Testing;

namespace WorkQueues.Benchmark;

/// <summary>
/// Where the services' binaries of one form are and how to start them: the Release build next to the bench's own
/// (run by <c>dotnet</c>), or the output of <c>dotnet publish</c>, which the bench makes itself before it measures.
/// </summary>
public sealed class ServiceBinaries
{
    private readonly Func<string, (string File, string[] Arguments)> _command;
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _imageEnvironments;

    private ServiceBinaries(
        ServiceForm form,
        Func<string, (string File, string[] Arguments)> command,
        IReadOnlyDictionary<string, long> sizes,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> environments)
    {
        Form = form;
        _command = command;
        PublishedBytes = sizes;
        _imageEnvironments = environments;
    }

    /// <summary>
    /// The environment <paramref name="project"/>'s container image sets (its <c>ContainerEnvironmentVariable</c>
    /// items): the published form runs with it, as the image would; the build form without, as the AppHost runs it.
    /// </summary>
    public IReadOnlyDictionary<string, string> ImageEnvironment(string project) =>
        _imageEnvironments.TryGetValue(project, out var environment) ? environment
        : Form == ServiceForm.Build ? new Dictionary<string, string>()
        : throw new ArgumentException($"{project} was not published by this bench run.", nameof(project));

    public ServiceForm Form { get; }

    /// <summary>The size of each project's publish folder: what its container image adds to the base image.</summary>
    public IReadOnlyDictionary<string, long> PublishedBytes { get; }

    /// <summary>The command that starts <paramref name="project"/>, and the folder it starts in (its content root).</summary>
    public (string File, string[] Arguments, string Folder) Command(string project)
    {
        var (file, arguments) = _command(project);
        return (file, arguments, Path.GetDirectoryName(file == "dotnet" ? arguments[0] : file)!);
    }

    public static async Task<ServiceBinaries> PrepareAsync(ServiceForm form, IEnumerable<string> projects, TextWriter progress)
    {
        var repository = RepositoryFolder.Root();
        if (form == ServiceForm.Build)
        {
            return new ServiceBinaries(form, project => ("dotnet", [Built(repository, project)]), new Dictionary<string, long>(), new Dictionary<string, IReadOnlyDictionary<string, string>>());
        }

        var sizes = new Dictionary<string, long>();
        var environments = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var project in projects)
        {
            var output = Path.Combine(AppContext.BaseDirectory, "published", project);
            progress.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] dotnet publish {project} -c Release (Native AOT: a few minutes the first time)");
            await PublishAsync(Path.Combine(repository, project), output);
            sizes[project] = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
                .Where(file => !IsDebugSymbols(file))
                .Sum(file => new FileInfo(file).Length);
            environments[project] = await ReadImageEnvironmentAsync(Path.Combine(repository, project));
        }

        return new ServiceBinaries(form, project => (Path.Combine(AppContext.BaseDirectory, "published", project, project), []), sizes, environments);
    }

    /// <summary>
    /// The environment a service's image sets, as MSBuild evaluates its project: each service's own, since a service may
    /// set its own values over Service.props's (the Producer's gen0 budget).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadImageEnvironmentAsync(string projectFolder) =>
        ParseContainerEnvironment(await RunAsync(["msbuild", projectFolder, "-getItem:ContainerEnvironmentVariable", "-nologo"]));

    /// <summary>The variables of <c>dotnet msbuild -getItem:ContainerEnvironmentVariable</c>'s JSON answer.</summary>
    public static IReadOnlyDictionary<string, string> ParseContainerEnvironment(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var environment = new Dictionary<string, string>();
        if (document.RootElement.TryGetProperty("Items", out var items) && items.TryGetProperty("ContainerEnvironmentVariable", out var variables))
        {
            foreach (var variable in variables.EnumerateArray())
            {
                environment[variable.GetProperty("Identity").GetString()!] = variable.GetProperty("Value").GetString() ?? "";
            }
        }

        return environment;
    }

    /// <summary>Symbols a container image leaves out (.dbg of Native AOT, .pdb), not part of what runs.</summary>
    public static bool IsDebugSymbols(string file) =>
        Path.GetExtension(file) is ".dbg" or ".pdb";

    private static Task PublishAsync(string project, string output) =>
        RunAsync(["publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "quiet"]);

    private static async Task<string> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var publish = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var standardOutput = publish.StandardOutput.ReadToEndAsync();
        var standardError = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{await standardOutput}{await standardError}");
        }

        return await standardOutput;
    }

    /// <summary>The service's entry assembly in the same configuration and framework folders as the bench's own.</summary>
    private static string Built(string repository, string project)
    {
        var output = Path.GetRelativePath(Path.Combine(repository, "bench", "WorkQueues.Benchmark"), AppContext.BaseDirectory);
        var binary = Path.Combine(repository, project, output, project + ".dll");
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"{binary} is not built.", binary);
    }
}
