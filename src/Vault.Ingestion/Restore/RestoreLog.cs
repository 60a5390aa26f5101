using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Restore;

internal static partial class RestoreLog
{
    [LoggerMessage(3201, LogLevel.Information, "Restore {RestoreId}: source {SourceId} into {Username}@{Host}, {Folders} folders, {Total} messages; resuming at folder {FolderIndex}, message {FolderMessagesDone}")]
    public static partial void Started(ILogger logger, string restoreId, string sourceId, string username, string host, int folders, long total, int folderIndex, long folderMessagesDone);

    [LoggerMessage(3202, LogLevel.Information, "Restore {RestoreId}: created folder {Folder} on the target")]
    public static partial void FolderCreated(ILogger logger, string restoreId, string folder);

    [LoggerMessage(3203, LogLevel.Debug, "Restore {RestoreId}: folder {Folder} held {Existing} messages before this run")]
    public static partial void FolderOpened(ILogger logger, string restoreId, string folder, int existing);

    [LoggerMessage(3204, LogLevel.Information, "Restore {RestoreId} finished: {Restored} restored, {Skipped} already on the target, {Normalized} with line ends repaired, {Failed} not restored")]
    public static partial void Finished(ILogger logger, string restoreId, long restored, long skipped, long normalized, long failed);

    [LoggerMessage(3205, LogLevel.Warning, "Restore {RestoreId} failed: {Code} {Reason}")]
    public static partial void Failed(ILogger logger, string restoreId, string code, string reason);

    [LoggerMessage(3206, LogLevel.Error, "Restore {RestoreId} failed")]
    public static partial void Crashed(ILogger logger, Exception exception, string restoreId);

    [LoggerMessage(3207, LogLevel.Information, "Restore {RestoreId} was running when Vault stopped; it resumes from its checkpoint")]
    public static partial void Resuming(ILogger logger, string restoreId);

    [LoggerMessage(3209, LogLevel.Warning, "Restore {RestoreId}: {Code}; reconnecting in {Delay}")]
    public static partial void Retrying(ILogger logger, string restoreId, string code, TimeSpan delay);

    [LoggerMessage(3208, LogLevel.Warning, "Restore {RestoreId}: message {MessageId} in {Folder} was not restored: {Problem}")]
    public static partial void MessageProblem(ILogger logger, string restoreId, string messageId, string folder, string problem);
}
