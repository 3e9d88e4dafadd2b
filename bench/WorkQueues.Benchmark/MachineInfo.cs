using System.Runtime.InteropServices;
using System.Text;
using RabbitMQ.Client;

namespace WorkQueues.Benchmark;

/// <summary>Where and when a run was made: absolute figures mean nothing without it.</summary>
public sealed record MachineInfo(DateTimeOffset Date, int Cores, string Cpu, double MemoryGiB, string Os, string Runtime, string Broker)
{
    public string Summary => $"{Cores} cores ({Cpu}), {MemoryGiB:0} GiB, {Os}, {Runtime}, {Broker}";

    public static MachineInfo Describe(IConnection connection) => new(
        DateTimeOffset.UtcNow,
        Environment.ProcessorCount,
        ReadCpuModel(),
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        $"RabbitMQ {ServerProperty(connection, "version")} on {ServerProperty(connection, "platform")}");

    private static string ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string ServerProperty(IConnection connection, string name) =>
        connection.ServerProperties?.TryGetValue(name, out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : "?";
}
