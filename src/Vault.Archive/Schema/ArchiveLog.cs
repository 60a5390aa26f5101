using Microsoft.Extensions.Logging;

namespace Vault.Archive.Schema;

internal static partial class ArchiveLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Critical, Message = "{Reason} Vault stops.")]
    public static partial void SchemaTooNew(ILogger logger, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Archive at {Archive}: schema {FromVersion} -> {Version} ({Description})")]
    public static partial void Migrated(ILogger logger, string archive, int fromVersion, int version, string description);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Deleted {Count} temp files of interrupted fetches in {Directory}")]
    public static partial void TempFilesDeleted(ILogger logger, int count, string directory);
}
