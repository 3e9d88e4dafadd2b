using System.Reflection;

namespace WorkQueues.AppHost;

/// <summary>
/// Where MSBuild put each service's build when the AppHost was last built, as that build resolved its project
/// references: the project file's full path to the assembly it built. The AppHost's project file embeds them (the
/// <c>ServiceBuildOutput</c> items), so the program started is the one that build made, whatever its configuration,
/// framework or output path.
/// </summary>
public sealed class ServiceBuildOutputs
{
    /// <summary>The key prefix of the <see cref="AssemblyMetadataAttribute"/>s the AppHost's project file writes.</summary>
    public const string MetadataPrefix = "ServiceBuildOutput:";

    private readonly Dictionary<string, string> _assemblyByProject =
        new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <param name="assemblyByProject">Project file to built assembly, both full paths; the first of a project counts.</param>
    public ServiceBuildOutputs(IEnumerable<KeyValuePair<string, string>> assemblyByProject)
    {
        foreach (var (project, assembly) in assemblyByProject)
        {
            // Only what MSBuild gives (full paths): anything else would fail the AppHost's start, not fall back.
            if (Path.IsPathFullyQualified(project) && Path.IsPathFullyQualified(assembly))
            {
                _assemblyByProject.TryAdd(Path.GetFullPath(project), assembly);
            }
        }
    }

    /// <summary>The outputs this AppHost was built with.</summary>
    public static ServiceBuildOutputs OfAppHost { get; } = From(typeof(ServiceBuildOutputs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>());

    public static ServiceBuildOutputs From(IEnumerable<AssemblyMetadataAttribute> metadata) => new(metadata
        .Where(attribute => attribute.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && attribute.Value is not null)
        .Select(attribute => KeyValuePair.Create(attribute.Key[MetadataPrefix.Length..], attribute.Value!)));

    /// <summary>The built assembly of the project, or null when the AppHost's build did not resolve it.</summary>
    public string? AssemblyOf(string projectPath) =>
        _assemblyByProject.TryGetValue(Path.GetFullPath(projectPath), out var assembly) ? assembly : null;

    /// <summary>The native program beside the project's built assembly (the SDK's apphost); null when there is none.</summary>
    public string? ProgramOf(string projectPath)
    {
        if (AssemblyOf(projectPath) is not { } assembly)
        {
            return null;
        }

        var program = Path.ChangeExtension(assembly, OperatingSystem.IsWindows() ? ".exe" : null);
        return File.Exists(program) ? program : null;
    }
}
