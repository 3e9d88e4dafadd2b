using Aspire.Hosting;
using WorkQueues.AppHost;

namespace WorkQueues.AppHost.Tests;

public sealed class ServiceBuildOutputsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("workqueues-build-outputs-").FullName;

    [Theory]
    [InlineData(typeof(Projects.WorkQueues_Producer), "WorkQueues.Producer")]
    [InlineData(typeof(Projects.WorkQueues_Worker), "WorkQueues.Worker")]
    public void The_apphosts_build_embeds_each_services_built_program(Type project, string name)
    {
        var projectPath = ((IProjectMetadata)Activator.CreateInstance(project)!).ProjectPath;

        var assembly = ServiceBuildOutputs.OfAppHost.AssemblyOf(projectPath);
        var program = ServiceBuildOutputs.OfAppHost.ProgramOf(projectPath);

        Assert.NotNull(assembly);
        Assert.Equal($"{name}.dll", Path.GetFileName(assembly));
        Assert.True(File.Exists(assembly), assembly);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(assembly)!, name), program);
    }

    [Fact]
    public void The_program_is_the_build_the_reference_resolved_not_an_older_one_at_the_usual_path()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var stale = CreateFile(Path.Combine(_root, "Some.Service", "bin", "Debug", "net10.0", "Some.Service"));
        var built = CreateFile(Path.Combine(_root, "Some.Service", "bin", "Debug", "net11.0", "Some.Service"));

        var outputs = new ServiceBuildOutputs(new Dictionary<string, string> { [project] = built + ".dll" });

        Assert.Equal(built, outputs.ProgramOf(project));
        Assert.NotEqual(stale, outputs.ProgramOf(project));
    }

    [Fact]
    public void A_build_without_a_native_program_has_none_to_start()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        CreateFile(Path.Combine(_root, "Some.Service", "bin", "Debug", "net10.0", "Some.Service"));
        var assembly = Path.Combine(_root, "Some.Service", "artifacts", "Some.Service.dll");

        var outputs = new ServiceBuildOutputs(new Dictionary<string, string> { [project] = assembly });

        Assert.Equal(assembly, outputs.AssemblyOf(project));
        Assert.Null(outputs.ProgramOf(project));
    }

    [Fact]
    public void A_project_the_build_did_not_resolve_has_no_output()
    {
        var outputs = new ServiceBuildOutputs(new Dictionary<string, string>());

        Assert.Null(outputs.AssemblyOf(Path.Combine(_root, "Other.Service", "Other.Service.csproj")));
        Assert.Null(outputs.ProgramOf(Path.Combine(_root, "Other.Service", "Other.Service.csproj")));
    }

    private static string CreateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Empty);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
