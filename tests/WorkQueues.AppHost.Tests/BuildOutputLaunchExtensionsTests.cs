using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using WorkQueues.AppHost;

namespace WorkQueues.AppHost.Tests;

public sealed class BuildOutputLaunchExtensionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("workqueues-build-output-").FullName;

    [Fact]
    public async Task A_run_starts_the_built_program_in_the_project_folder_with_the_apphosts_runtime()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var program = CreateProgram(project);
        var builder = DistributedApplication.CreateBuilder();

        var service = builder.AddProject("service", project).WithLaunchFromBuildOutput(OutputsOf(project, program));

        var launch = service.Resource.Annotations.OfType<ExecutableAnnotation>().Single();
        Assert.Equal(program, launch.Command);
        Assert.Equal(Path.GetDirectoryName(project), launch.WorkingDirectory);
        var environment = new EnvironmentCallbackContext(builder.ExecutionContext);
        await service.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>().Last().Callback(environment);
        var root = Assert.IsType<string>(environment.EnvironmentVariables["DOTNET_ROOT"]);
        Assert.True(Directory.Exists(Path.Combine(root, "shared", "Microsoft.NETCore.App")), root);
    }

    [Theory]
    [InlineData("DEBUG_SESSION_PORT", "localhost:51000")]
    [InlineData("DOTNET_WATCH", "1")]
    [InlineData("DOTNET_WATCH", "true")]
    public void Under_an_ide_or_dotnet_watch_aspire_launches_the_project_itself(string setting, string value)
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var program = CreateProgram(project);
        var builder = DistributedApplication.CreateBuilder();
        builder.Configuration[setting] = value;

        var service = builder.AddProject("service", project).WithLaunchFromBuildOutput(OutputsOf(project, program));

        Assert.Empty(service.Resource.Annotations.OfType<ExecutableAnnotation>());
    }

    [Fact]
    public void Publishing_leaves_the_project_to_aspire()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var program = CreateProgram(project);
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.Combine(_root, "manifest.json")]);

        var service = builder.AddProject("service", project).WithLaunchFromBuildOutput(OutputsOf(project, program));

        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.Empty(service.Resource.Annotations.OfType<ExecutableAnnotation>());
    }

    [Fact]
    public void A_service_the_apphosts_build_did_not_resolve_is_left_to_dotnet_run()
    {
        var project = Path.Combine(_root, "Other.Service", "Other.Service.csproj");
        CreateProgram(project);
        var builder = DistributedApplication.CreateBuilder();

        var service = builder.AddProject("service", project).WithLaunchFromBuildOutput(new ServiceBuildOutputs(new Dictionary<string, string>()));

        Assert.Empty(service.Resource.Annotations.OfType<ExecutableAnnotation>());
    }

    /// <summary>An empty project and a stand-in program in its build output.</summary>
    private static string CreateProgram(string project)
    {
        var program = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0", Path.GetFileNameWithoutExtension(project));
        Directory.CreateDirectory(Path.GetDirectoryName(program)!);
        File.WriteAllText(project, "<Project />");
        File.WriteAllText(program, string.Empty);
        return program;
    }

    private static ServiceBuildOutputs OutputsOf(string project, string program) =>
        new(new Dictionary<string, string> { [project] = program + ".dll" });

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
