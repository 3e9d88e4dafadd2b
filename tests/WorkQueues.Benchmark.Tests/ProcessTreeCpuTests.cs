using System.Diagnostics;

namespace WorkQueues.Benchmark.Tests;

public class ProcessTreeCpuTests
{
    [Fact]
    public async Task A_process_tree_counts_its_children_cpu_besides_its_own()
    {
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]))!;
        try
        {
            // Wait (bounded) until the busy child has used some CPU of its own.
            var childCpu = TimeSpan.Zero;
            var waited = Stopwatch.StartNew();
            while ((childCpu = ServiceProcess.CpuTimeOf(await File.ReadAllTextAsync($"/proc/{child.Id}/stat"))) < TimeSpan.FromMilliseconds(100))
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the busy child used no CPU within 10 s");
                await Task.Delay(20);
            }

            var own = ServiceProcess.CpuTimeOf(await File.ReadAllTextAsync($"/proc/{Environment.ProcessId}/stat"));

            // Read after both: each only grows, so the tree's total is at least their sum.
            Assert.True(ProcessTreeCpu.Of(Environment.ProcessId) >= own + childCpu);
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void A_process_that_is_gone_used_no_cpu()
    {
        using var gone = Process.Start(new ProcessStartInfo("true"))!;
        gone.WaitForExit();

        Assert.Equal(TimeSpan.Zero, ProcessTreeCpu.Of(gone.Id));
    }
}
