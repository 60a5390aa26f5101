namespace Vault.TestSupport;

/// <summary>The checkout's root (the folder holding Vault.sln), found from the test binary's location.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Vault.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Vault.sln above {AppContext.BaseDirectory}.");
    }
}
