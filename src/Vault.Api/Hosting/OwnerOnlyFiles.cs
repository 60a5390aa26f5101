using System.Runtime.InteropServices;

namespace Vault.Api.Hosting;

/// <summary>
/// The process umask (POSIX <c>umask(2)</c>): set to 077 so that everything Vault creates from here on (the SQLite
/// database and its -wal/-shm, Lucene's segment files, the key ring, temporary files) is readable by its owner only,
/// whichever library creates it. PostgreSQL and OpenSSH do the same for their data.
/// </summary>
internal static partial class OwnerOnlyFiles
{
    /// <summary>077: no permission bits for group and others.</summary>
    private const uint GroupAndOthers = 0x3F;

    public static void Apply()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = Umask(GroupAndOthers);
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);
}
