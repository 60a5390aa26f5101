using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Connections;

/// <summary>Connection log lines: host, port, user and error code only, never a password or the server's reply to one.</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Connected to {Host}:{Port} ({Protocol}) as {Username}")]
    public static partial void Connected(ILogger logger, string host, int port, string protocol, string username);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Connecting to {Host}:{Port} ({Protocol}) as {Username} failed: {ErrorCode}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string protocol, string username, string errorCode);
}
