namespace Vault.Api.Hosting;

/// <summary>
/// Makes the data directory private on Unix: created 0700 (files 0600 through <see cref="OwnerOnlyFiles"/>), and an
/// existing one whose folders or files others can read is tightened, once, at start. The archive and the key ring in
/// it are everyone's mail and passwords, so nothing in it should be readable by another user of the machine.
/// </summary>
public static class PrivateDataDirectory
{
    private const UnixFileMode GroupAndOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> or tightens it; says what it changed.</summary>
    public static DataDirectoryPreparation Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return new DataDirectoryPreparation(path, 0, []);
        }

        OwnerOnlyFiles.Apply();
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return new DataDirectoryPreparation(path, 0, []);
        }

        var tightened = 0;
        var refused = new List<string>();
        var root = new DirectoryInfo(path);
        var entries = root.EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true });
        foreach (var entry in entries.Prepend(root))
        {
            var mode = entry.UnixFileMode;
            if ((mode & GroupAndOthers) == 0)
            {
                continue;
            }

            try
            {
                entry.UnixFileMode = mode & ~GroupAndOthers;
                tightened++;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Owned by another user (a volume prepared by root): say so, and let Vault run as far as it can.
                refused.Add(entry.FullName);
            }
        }

        return new DataDirectoryPreparation(path, tightened, refused);
    }
}
