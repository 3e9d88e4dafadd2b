using System.Reflection;
using WorkQueues.AppHost;

namespace WorkQueues.AppHost.Tests;

public sealed class BuildOutputLaunchExtensionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("workqueues-build-output-").FullName;

    [Fact]
    public void The_program_is_found_where_the_apphosts_own_configuration_and_framework_put_it()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var configuration = typeof(BuildOutputLaunchExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var program = Path.Combine(_root, "Some.Service", "bin", configuration, $"net{Environment.Version.Major}.{Environment.Version.Minor}", "Some.Service");
        Directory.CreateDirectory(Path.GetDirectoryName(program)!);
        File.WriteAllText(project, "<Project />");
        File.WriteAllText(program, string.Empty);

        Assert.Equal(program, BuildOutputLaunchExtensions.ProgramPath(project));
    }

    [Fact]
    public void A_service_not_built_to_the_default_output_path_is_left_to_dotnet_run()
    {
        var project = Path.Combine(_root, "Other.Service", "Other.Service.csproj");
        Directory.CreateDirectory(Path.Combine(_root, "Other.Service", "bin", "Release", "net8.0"));
        File.WriteAllText(Path.Combine(_root, "Other.Service", "bin", "Release", "net8.0", "Other.Service"), string.Empty);

        Assert.Null(BuildOutputLaunchExtensions.ProgramPath(project));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
