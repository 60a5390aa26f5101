using Microsoft.Extensions.Logging;
using Vault.Archive.Connectors;

namespace Vault.Ingestion.Connectors;

/// <summary>Connector log lines: ids, names and modes, never a password.</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Connector {ConnectorId} ({ConnectorName}) created, auth mode {AuthMode}")]
    public static partial void Created(ILogger logger, string connectorId, string connectorName, ConnectorAuthMode authMode);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Connector {ConnectorId} edited; its mailboxes follow")]
    public static partial void Edited(ILogger logger, string connectorId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Connector {ConnectorId} deleted with {Mailboxes} mailboxes (purge archived mail: {Purge})")]
    public static partial void Deleted(ILogger logger, string connectorId, int mailboxes, bool purge);
}
