namespace Vault.Archive;

/// <summary>
/// The archive itself failed (a full disk, a database that cannot be written, MongoDB out of reach): not the mail
/// server's fault. The stores wrap their own failures in it so the sync engine can tell a person the truth
/// (<c>StorageError</c>) instead of blaming the server.
/// </summary>
public sealed class ArchiveStorageException : Exception
{
    public ArchiveStorageException()
    {
    }

    public ArchiveStorageException(string message)
        : base(message)
    {
    }

    public ArchiveStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the cause is a full disk (SQLite's SQLITE_FULL, ENOSPC, ERROR_DISK_FULL).</summary>
    public bool DiskFull { get; init; }
}
