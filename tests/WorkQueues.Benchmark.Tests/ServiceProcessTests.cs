namespace WorkQueues.Benchmark.Tests;

public class ServiceProcessTests
{
    [Fact]
    public void Cpu_time_is_user_plus_system_ticks_even_when_the_command_name_has_spaces_and_parentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        const string stat = "4242 (Work (Queues) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 125 0 0 20 0 18 0";

        Assert.Equal(TimeSpan.FromMilliseconds(3_750), ServiceProcess.CpuTimeOf(stat));
    }
}
