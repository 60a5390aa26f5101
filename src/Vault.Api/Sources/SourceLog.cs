namespace Vault.Api.Sources;

/// <summary>The sources endpoints' own log lines (the lifecycle logs in Vault.Ingestion): hosts and outcomes, never credentials.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Connection test to {Host}:{Port}: {Outcome} in {ElapsedMs} ms")]
    public static partial void Tested(ILogger logger, string host, int port, string outcome, long elapsedMs);
}
