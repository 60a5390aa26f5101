namespace Vault.Api.Sources;

/// <summary>Source lifecycle log lines: ids, names and states only.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Source {SourceId} ({SourceName}) created, {Status}")]
    public static partial void Created(ILogger logger, string sourceId, string sourceName, Vault.Archive.Sources.SourceStatus status);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Source {SourceId} changed from {From} to {To}")]
    public static partial void Transitioned(ILogger logger, string sourceId, Vault.Archive.Sources.SourceStatus from, Vault.Archive.Sources.SourceStatus to);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Source {SourceId} edited")]
    public static partial void Edited(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Source {SourceId} deleted (purge archived mail: {Purge})")]
    public static partial void Deleted(ILogger logger, string sourceId, bool purge);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "No sync engine is registered; source {SourceId} is not started or stopped")]
    public static partial void NoRunner(ILogger logger, string sourceId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Connection test to {Host}:{Port}: {Outcome} in {ElapsedMs} ms")]
    public static partial void Tested(ILogger logger, string host, int port, string outcome, long elapsedMs);
}
