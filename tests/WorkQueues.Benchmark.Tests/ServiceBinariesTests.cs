namespace WorkQueues.Benchmark.Tests;

public class ServiceBinariesTests
{
    [Theory]
    [InlineData("WorkQueues.Worker.dbg", true)]
    [InlineData("WorkQueues.Tasks.pdb", true)]
    [InlineData("WorkQueues.Worker", false)]
    [InlineData("appsettings.json", false)]
    public void The_published_size_leaves_out_debug_symbols(string file, bool symbols) =>
        Assert.Equal(symbols, ServiceBinaries.IsDebugSymbols(Path.Combine("published", file)));
}

public class ContainerEnvironmentTests
{
    [Fact]
    public void The_image_environment_is_read_from_msbuild_items()
    {
        const string json = """
            { "Items": { "ContainerEnvironmentVariable": [
              { "Identity": "DOTNET_GCgen0size", "Value": "400000", "FullPath": "/x/DOTNET_GCgen0size" },
              { "Identity": "EMPTY", "Value": "" } ] } }
            """;

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "400000", ["EMPTY"] = "" }, ServiceBinaries.ParseContainerEnvironment(json));
        Assert.Empty(ServiceBinaries.ParseContainerEnvironment("""{ "Items": {} }"""));
    }
}

public class ImageEnvironmentTests
{
    /// <summary>The real projects, through MSBuild: the Producer's image sets its own gen0 budget over Service.props's.</summary>
    [Fact]
    public async Task Each_service_image_sets_its_own_gen0_budget()
    {
        var root = WorkQueues.Testing.RepositoryFolder.Root();

        var producer = await ServiceBinaries.ReadImageEnvironmentAsync(Path.Combine(root, "WorkQueues.Producer"));
        var worker = await ServiceBinaries.ReadImageEnvironmentAsync(Path.Combine(root, "WorkQueues.Worker"));

        Assert.Contains(new KeyValuePair<string, string>("DOTNET_GCgen0size", "1000000"), producer);
        Assert.Contains(new KeyValuePair<string, string>("DOTNET_GCgen0size", "400000"), worker);
    }
}
