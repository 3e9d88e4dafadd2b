using System.Text;

namespace WorkQueues.AppHost.Messaging;

/// <summary>
/// A folder and files only the current user may read: where the local broker keeps its data, password and cookie.
/// A folder of another user, or a symbolic link, is refused rather than used or changed.
/// </summary>
internal static class PrivateFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOthers = (UnixFileMode)0b000_111_111;

    /// <summary>Creates the folder 0700 (leaving a marker that says this code made it), or checks the one there.</summary>
    public static void EnsureUsable(string path, string createdMarkerName)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new BrokerUnavailableException("The locally installed RabbitMQ server is run on Linux only; use Messaging:Broker=container or external here.");
        }

        var folder = new DirectoryInfo(path);
        if (folder.LinkTarget is not null)
        {
            throw new BrokerUnavailableException(
                $"The local broker's data folder {path} is a symbolic link; it must be a real folder. Remove the link or choose another Messaging:DataRoot.");
        }

        if (!folder.Exists)
        {
            Directory.CreateDirectory(folder.Parent!.FullName, OwnerOnly);
            Directory.CreateDirectory(path, OwnerOnly);
            File.WriteAllText(Path.Combine(path, createdMarkerName), "Created by the WorkQueues AppHost: the local RabbitMQ broker's data.\n");
            return;
        }

        EnsureOwnedByCurrentUser(path);
        if ((File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    public static void EnsureOwnedByCurrentUser(string path)
    {
        var owner = UnixFileOwner.Of(path);
        if (owner != UnixFileOwner.CurrentUser)
        {
            throw new BrokerUnavailableException(
                $"The local broker's data folder {path} belongs to user id {owner}, not to you (user id {UnixFileOwner.CurrentUser}); " +
                "the AppHost never uses another user's folder. Choose another Messaging:DataRoot, or have its owner remove it.");
        }
    }

    public static async Task WriteOwnerOnlyAsync(string file, string text, CancellationToken cancellationToken)
    {
        // Made anew, so an existing file's looser mode does not carry over.
        File.Delete(file);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(file, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
    }
}
