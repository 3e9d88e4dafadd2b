namespace WorkQueues.Testing;

/// <summary>The clone the tests run from: the folder holding <c>WorkQueues.sln</c>, above the test's output folder.</summary>
public static class RepositoryFolder
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WorkQueues.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("WorkQueues.sln not found above the test folder.");
    }
}
