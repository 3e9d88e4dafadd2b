namespace WorkQueues.Benchmark;

/// <summary>
/// CPU time of a process and every process under it, from <c>/proc</c>: the local broker is a shell script that starts
/// <c>beam.smp</c> and its helpers as children, so the script's own figure would say nothing.
/// </summary>
public static class ProcessTreeCpu
{
    public static TimeSpan Of(int pid)
    {
        var total = TimeSpan.Zero;
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var next))
        {
            try
            {
                total += ServiceProcess.CpuTimeOf(File.ReadAllText($"/proc/{next}/stat"));
                foreach (var child in ChildrenOf(next))
                {
                    pending.Push(child);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited between two reads: its time went to its parent's children's total, which is not counted here.
            }
        }

        return total;
    }

    /// <summary>The processes each thread of <paramref name="pid"/> started that still run.</summary>
    private static IEnumerable<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(int.Parse)
            .Distinct();
}
