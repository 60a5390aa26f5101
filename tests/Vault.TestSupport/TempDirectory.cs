namespace Vault.TestSupport;

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "vault-test")
        : this(System.IO.Path.GetTempPath(), prefix)
    {
    }

    /// <summary>A fresh folder under <paramref name="parent"/> (a small file system, say).</summary>
    public TempDirectory(string parent, string prefix)
    {
        Path = System.IO.Path.Combine(parent, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background writer; the OS temp cleaner gets it.
        }
    }
}
