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
    public void A_library_the_apphost_references_is_no_service_to_start()
    {
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(new Projects.WorkQueues_Worker().ProjectPath))!;

        Assert.Null(ServiceBuildOutputs.OfAppHost.AssemblyOf(Path.Combine(repository, "WorkQueues.Tasks", "WorkQueues.Tasks.csproj")));
    }

    [Fact]
    public void The_program_is_beside_the_assembly_the_build_resolved_not_at_the_usual_path()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        CreateFile(Path.Combine(_root, "Some.Service", "bin", "Debug", "net10.0", "Some.Service"));
        var built = CreateFile(Path.Combine(_root, "Some.Service", "bin", "Debug", "net11.0", "Some.Service"));

        var outputs = new ServiceBuildOutputs(new Dictionary<string, string> { [project] = built + ".dll" });

        Assert.Equal(built, outputs.ProgramOf(project));
    }

    [Fact]
    public void The_embedded_metadata_is_read_by_its_prefix_with_the_project_path_made_full_and_the_first_entry_kept()
    {
        var project = Path.Combine(_root, "Some.Service", "Some.Service.csproj");
        var roundabout = Path.Combine(_root, "Other", "..", "Some.Service", "Some.Service.csproj");
        var assembly = Path.Combine(_root, "Some.Service", "bin", "Some.Service.dll");

        var outputs = ServiceBuildOutputs.From(
        [
            new(ServiceBuildOutputs.MetadataPrefix + roundabout, assembly),
            new(ServiceBuildOutputs.MetadataPrefix + project, Path.Combine(_root, "later", "Some.Service.dll")),
            new("Microsoft.Aspire.DcpCliPath", Path.Combine(_root, "dcp")),
            new(ServiceBuildOutputs.MetadataPrefix, assembly),
            new(ServiceBuildOutputs.MetadataPrefix + "relative/Other.csproj", assembly),
            new(ServiceBuildOutputs.MetadataPrefix + Path.Combine(_root, "Empty", "Empty.csproj"), null),
        ]);

        Assert.Equal(assembly, outputs.AssemblyOf(project));
        Assert.Null(outputs.AssemblyOf(Path.Combine(_root, "Empty", "Empty.csproj")));
        Assert.Null(outputs.AssemblyOf(Path.Combine(_root, "dcp")));
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
