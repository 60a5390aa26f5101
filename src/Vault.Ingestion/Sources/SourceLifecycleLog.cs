using Microsoft.Extensions.Logging;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Sources;

/// <summary>Source lifecycle log lines: ids, names and states only.</summary>
internal static partial class SourceLifecycleLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Source {SourceId} ({SourceName}) created, {Status}")]
    public static partial void Created(ILogger logger, string sourceId, string sourceName, SourceStatus status);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Source {SourceId} changed from {From} to {To}")]
    public static partial void Transitioned(ILogger logger, string sourceId, SourceStatus from, SourceStatus to);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Source {SourceId} edited")]
    public static partial void Edited(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Source {SourceId} deleted (purge archived mail: {Purge})")]
    public static partial void Deleted(ILogger logger, string sourceId, bool purge);
}
