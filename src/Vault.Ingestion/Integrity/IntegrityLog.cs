using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Integrity;

internal static partial class IntegrityLog
{
    [LoggerMessage(3001, LogLevel.Information, "Source {SourceId}: integrity check finished, {Checked} messages checked, {Corrupted} corrupted, {MissingFromIndex} missing from the index, {Orphaned} index entries without a message")]
    public static partial void Finished(ILogger logger, string sourceId, long @checked, long corrupted, long missingFromIndex, long orphaned);

    [LoggerMessage(3002, LogLevel.Error, "Source {SourceId}: message {MessageId} is corrupted in the archive: {Reason}")]
    public static partial void Corrupted(ILogger logger, string sourceId, string messageId, string reason);

    [LoggerMessage(3003, LogLevel.Error, "Source {SourceId}: the integrity check failed")]
    public static partial void Failed(ILogger logger, Exception exception, string sourceId);

    [LoggerMessage(3004, LogLevel.Information, "Integrity schedule: source {SourceId} is due for its check")]
    public static partial void Due(ILogger logger, string sourceId);
}
