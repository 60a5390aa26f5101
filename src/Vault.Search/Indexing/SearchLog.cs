using Microsoft.Extensions.Logging;

namespace Vault.Search.Indexing;

internal static partial class SearchLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Message {MessageId} could not be parsed; indexed from its headers and metadata only")]
    public static partial void ParseError(ILogger logger, string messageId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Error, Message = "Indexing message {MessageId} failed; it is tried once more, then left out of the index until a reindex or an integrity check")]
    public static partial void MessageFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Indexed {Count} messages the index lacked")]
    public static partial void CaughtUp(ILogger logger, long count);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Reindex finished: {Count} messages")]
    public static partial void Reindexed(ILogger logger, long count);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "Indexing failed; it resumes from the last archive change it has")]
    public static partial void BatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "The search index at {Path} could not be opened ({Reason}); it starts empty and is rebuilt from the archive")]
    public static partial void IndexDiscarded(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Debug, Message = "Message {MessageId}: the text of attachment {AttachmentName} was not indexed ({Reason})")]
    public static partial void AttachmentNotRead(ILogger logger, string messageId, string attachmentName, Attachments.AttachmentFailure reason);
}
