using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Pop3;

/// <summary>The POP3 synchronizer's log lines: ids and counts, never a password or a message.</summary>
internal static partial class Pop3Log
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Debug, Message = "Source {SourceId}: POP3 batch of {Messages} messages committed")]
    public static partial void BatchCommitted(ILogger logger, string sourceId, int messages);
}
