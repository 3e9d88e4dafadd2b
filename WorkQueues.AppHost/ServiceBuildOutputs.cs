using System.Reflection;

namespace WorkQueues.AppHost;

/// <summary>
/// Where MSBuild put each service's build, as the AppHost's own build resolved its project references: the project
/// file's full path to the assembly it built. The AppHost's project file embeds them (the <c>ServiceBuildOutput</c>
/// items), so the program started is exactly the one just built, whatever configuration, framework or output path.
/// </summary>
public sealed class ServiceBuildOutputs(IReadOnlyDictionary<string, string> assemblyByProject)
{
    /// <summary>The key prefix of the <see cref="AssemblyMetadataAttribute"/>s the AppHost's project file writes.</summary>
    public const string MetadataPrefix = "ServiceBuildOutput:";

    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The outputs this AppHost was built with.</summary>
    public static ServiceBuildOutputs OfAppHost { get; } = From(typeof(ServiceBuildOutputs).Assembly);

    public static ServiceBuildOutputs From(Assembly appHost) => new(appHost
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Where(attribute => attribute.Key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(attribute.Value))
        .ToDictionary(attribute => Path.GetFullPath(attribute.Key[MetadataPrefix.Length..]), attribute => attribute.Value!, PathComparer));

    /// <summary>The built assembly of the project, or null when the AppHost's build did not resolve it.</summary>
    public string? AssemblyOf(string projectPath) =>
        assemblyByProject.TryGetValue(Path.GetFullPath(projectPath), out var assembly) ? assembly : null;

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
