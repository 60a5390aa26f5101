using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.Onboarding;

/// <summary>Self-service links in the log: ids and counts only, never a token, a link or a password.</summary>
internal static partial class OnboardingLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Connector {ConnectorId}: {Count} invitations created, valid until {ExpiresAt}")]
    public static partial void Created(ILogger logger, string connectorId, int count, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Invitation {InvitationId} revoked")]
    public static partial void Revoked(ILogger logger, string invitationId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Invitation {InvitationId} sent by email")]
    public static partial void Sent(ILogger logger, string invitationId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Invitation {InvitationId} could not be sent: {Error}")]
    public static partial void SendFailed(ILogger logger, string invitationId, string error);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Information, Message = "Invitation {InvitationId} got a new link")]
    public static partial void Renewed(ILogger logger, string invitationId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Invitation {InvitationId} created mailbox {SourceId} under connector {ConnectorId}")]
    public static partial void Redeemed(ILogger logger, string invitationId, string sourceId, string connectorId);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information, Message = "Invitation {InvitationId}: the owner's login test failed ({Code})")]
    public static partial void LoginFailed(ILogger logger, string invitationId, string code);
}
