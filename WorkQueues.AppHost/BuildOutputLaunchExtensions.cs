using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost;

public static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// Starts the service's built program itself instead of Aspire's default <c>dotnet run --project … --no-build</c>,
    /// which evaluates the project with MSBuild before the program starts: three such evaluations at once made a cold
    /// start on two cores about 6 s slower (docs/benchmarks.md). <c>dotnet run</c> of the AppHost has just built the
    /// service, in the AppHost's configuration. Aspire's own launch stays under an IDE or <c>dotnet watch</c>, in
    /// publish mode, and where the program is not at the default output path.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLaunchFromBuildOutput(this IResourceBuilder<ProjectResource> builder)
    {
        var configuration = builder.ApplicationBuilder.Configuration;
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode
            || !string.IsNullOrEmpty(configuration["DEBUG_SESSION_PORT"])
            || (configuration["DOTNET_WATCH"] is { } watch && (watch == "1" || watch.Equals("true", StringComparison.OrdinalIgnoreCase))))
        {
            return builder;
        }

        var projectPath = builder.Resource.GetProjectMetadata().ProjectPath;
        if (ProgramPath(projectPath) is not { } program)
        {
            return builder;
        }

        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = program, WorkingDirectory = Path.GetDirectoryName(projectPath)! }, ResourceAnnotationMutationBehavior.Replace)
            // The program's native host finds the runtime the AppHost runs on, wherever .NET is installed.
            .WithEnvironment("DOTNET_ROOT", DotnetRoot());
    }

    /// <summary>bin/{configuration}/{target framework}/{project name}, as the AppHost was built; null when it is not there.</summary>
    public static string? ProgramPath(string projectPath)
    {
        var appHost = typeof(BuildOutputLaunchExtensions).Assembly;
        var buildConfiguration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        var framework = appHost.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        if (buildConfiguration is null || framework is null || !Version.TryParse(framework.Split("Version=v").Last(), out var version))
        {
            return null;
        }

        var name = Path.GetFileNameWithoutExtension(projectPath) + (OperatingSystem.IsWindows() ? ".exe" : string.Empty);
        var program = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", buildConfiguration, $"net{version.Major}.{version.Minor}", name);
        return File.Exists(program) ? program : null;
    }

    // The runtime folder is {root}/shared/Microsoft.NETCore.App/{version}/.
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
