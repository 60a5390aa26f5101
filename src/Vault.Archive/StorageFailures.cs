namespace Vault.Archive;

/// <summary>Tells a full disk apart from other I/O failures, on Unix and Windows.</summary>
public static class StorageFailures
{
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>
    /// .NET reports ENOSPC on Unix as an IOException whose HResult is the errno (and whose message is
    /// "No space left on device"); Windows uses ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL as HRESULTs.
    /// </summary>
    public static bool IsDiskFull(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.HResult is Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull
            || exception.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
            || exception.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase);
    }
}
