namespace WorkQueues.Benchmark;

/// <summary>Which build of the services the bench runs.</summary>
public enum ServiceForm
{
    /// <summary>What <c>dotnet publish -c Release</c> gives: what a container image holds (Native AOT, see Service.props).</summary>
    Published,

    /// <summary>The Release build run by <c>dotnet</c> with the JIT, as the AppHost runs the services on a developer's machine.</summary>
    Build,
}
