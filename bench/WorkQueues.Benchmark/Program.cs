using WorkQueues.Benchmark;

// dotnet run -c Release --project bench/WorkQueues.Benchmark [-- --smoke]: see BenchSettings.Usage and docs/benchmarks.md.
BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (UsageException usage)
{
    Console.Error.WriteLine(usage.Message);
    return 2;
}

await using var broker = await BenchBroker.StartAsync(settings);
await using var telemetry = await OtlpSink.StartAsync();
var run = new BenchmarkRun(settings, broker, telemetry, Console.Error);
var report = await run.RunAsync();
try
{
    await ClusterBenchmark.RunIfNamedAsync(settings, run.Binaries, telemetry, report, Console.Error);
}
finally
{
    // What was measured before a failing cluster part is kept.
    report.Print(Console.Out);
}

Directory.Delete(ServiceProcess.LogFolder, recursive: true);
return 0;
