using System.Runtime.InteropServices;

namespace WorkQueues.AppHost.Messaging;

/// <summary>Who owns a file, and who this process is: .NET tells neither, Linux's <c>statx</c> and <c>geteuid</c> do.</summary>
public static class UnixFileOwner
{
    private const int CurrentDirectory = -100; // AT_FDCWD
    private const int DoNotFollowLinks = 0x100; // AT_SYMLINK_NOFOLLOW
    private const uint WantOwner = 0x8; // STATX_UID
    private const int OwnerOffset = 20; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, then stx_uid

    public static uint CurrentUser => geteuid();

    /// <summary>The user id owning <paramref name="path"/> itself (a link's own owner, not its target's).</summary>
    public static uint Of(string path)
    {
        var buffer = new byte[256];
        if (statx(CurrentDirectory, path, DoNotFollowLinks, WantOwner, buffer) != 0)
        {
            throw new IOException($"Cannot read the owner of {path} (errno {Marshal.GetLastPInvokeError()}).");
        }

        return BitConverter.ToUInt32(buffer, OwnerOffset);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc")]
    private static extern uint geteuid();
}
