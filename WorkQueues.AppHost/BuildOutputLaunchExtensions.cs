using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace WorkQueues.AppHost;

public static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// Starts the service's built program itself instead of Aspire's default <c>dotnet run --project … --no-build</c>,
    /// which evaluates the project with MSBuild before the program starts: three such evaluations at once made a cold
    /// start on two cores about 6 s slower (docs/benchmarks.md). The program is the one the AppHost's own build has just
    /// built (<see cref="ServiceBuildOutputs"/>). Aspire's own launch stays under an IDE or <c>dotnet watch</c>, in
    /// publish mode, and where that build left no native program.
    /// </summary>
    /// <param name="outputs">Where each service was built; the AppHost's own build when not given.</param>
    public static IResourceBuilder<ProjectResource> WithLaunchFromBuildOutput(this IResourceBuilder<ProjectResource> builder, ServiceBuildOutputs? outputs = null)
    {
        var configuration = builder.ApplicationBuilder.Configuration;
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode
            || !string.IsNullOrEmpty(configuration["DEBUG_SESSION_PORT"])
            || (configuration["DOTNET_WATCH"] is { } watch && (watch == "1" || watch.Equals("true", StringComparison.OrdinalIgnoreCase))))
        {
            return builder;
        }

        var projectPath = builder.Resource.GetProjectMetadata().ProjectPath;
        if ((outputs ?? ServiceBuildOutputs.OfAppHost).ProgramOf(projectPath) is not { } program)
        {
            return builder;
        }

        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = program, WorkingDirectory = Path.GetDirectoryName(projectPath)! }, ResourceAnnotationMutationBehavior.Replace)
            // The program's native host finds the runtime the AppHost runs on, wherever .NET is installed.
            .WithEnvironment("DOTNET_ROOT", DotnetRoot());
    }

    // The runtime folder is {root}/shared/Microsoft.NETCore.App/{version}/.
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
