using System.Runtime.InteropServices;

namespace WorkQueues.AppHost;

/// <summary>POSIX signals to one process by its id: what Ctrl+C, a platform's stop and <c>kill -9</c> send.</summary>
public static class ProcessSignals
{
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>Sends <paramref name="signal"/>; false when no such process exists (any more).</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
