using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Sync;

/// <summary>The sync engine's log lines. Never a password or a message body.</summary>
internal static partial class SyncLog
{
    [LoggerMessage(1, LogLevel.Information, "Source {SourceId}: import of {FolderCount} folders starting")]
    public static partial void ImportStarting(ILogger logger, string sourceId, int folderCount);

    [LoggerMessage(2, LogLevel.Information, "Source {SourceId}: import finished, {MessagesArchived} messages archived")]
    public static partial void ImportFinished(ILogger logger, string sourceId, long messagesArchived);

    [LoggerMessage(3, LogLevel.Warning, "Source {SourceId}: folder {Folder} changed UIDVALIDITY from {OldUidValidity} to {UidValidity}; re-matching by content")]
    public static partial void UidValidityChanged(ILogger logger, string sourceId, string folder, long oldUidValidity, long uidValidity);

    [LoggerMessage(4, LogLevel.Warning, "Source {SourceId}: folder {Folder} UID {Uid} failed to fetch (attempt {Attempts}): {Reason}")]
    public static partial void FetchFailed(ILogger logger, string sourceId, string folder, long uid, int attempts, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Source {SourceId}: sync failed with {Code} ({ConsecutiveFailures} in a row); next retry at {NextRetryAt}")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string sourceId, string code, int consecutiveFailures, DateTimeOffset? nextRetryAt);

    [LoggerMessage(6, LogLevel.Debug, "Source {SourceId}: folder {Folder} archived {Messages} messages in a batch")]
    public static partial void BatchCommitted(ILogger logger, string sourceId, string folder, int messages);

    [LoggerMessage(7, LogLevel.Information, "Source {SourceId}: folder {Folder} is gone from the server; its mail stays archived")]
    public static partial void FolderGone(ILogger logger, string sourceId, string folder);

    [LoggerMessage(8, LogLevel.Information, "Source {SourceId}: sync stopped")]
    public static partial void Stopped(ILogger logger, string sourceId);

    [LoggerMessage(9, LogLevel.Warning, "Source {SourceId}: sync is waiting for a person ({Code})")]
    public static partial void WaitingForPerson(ILogger logger, string sourceId, string code);

    [LoggerMessage(10, LogLevel.Information, "Source {SourceId}: waiting for one of {Capacity} import slots")]
    public static partial void WaitingForImportSlot(ILogger logger, string sourceId, int capacity);

    [LoggerMessage(11, LogLevel.Information, "Source {SourceId}: connection lost ({Code}); reconnecting at {ReconnectAt}")]
    public static partial void Reconnecting(ILogger logger, Exception exception, string sourceId, string code, DateTimeOffset reconnectAt);

    [LoggerMessage(12, LogLevel.Information, "Source {SourceId}: its IDLE slot went to a more recently active mailbox of the connector; polling")]
    public static partial void IdleSlotTaken(ILogger logger, string sourceId);

    [LoggerMessage(13, LogLevel.Information, "Source {SourceId}: the server allows one connection at a time; the idling connection polls the other folders")]
    public static partial void OneConnectionOnly(ILogger logger, string sourceId);
}
