namespace Vault.Archive.Invitations;

/// <summary>
/// A self-service link sent to a mailbox owner (ARCHITECTURE.md, "Self-service onboarding links"). The token itself is
/// never kept: only its SHA-256 (<see cref="TokenHash"/>), so a copy of the store opens no mailbox. Once used, the
/// invitation names the mailbox it created (<see cref="SourceId"/>) and its link shows only that mailbox's status.
/// </summary>
public sealed record Invitation
{
    public required string Id { get; init; }
    public required string ConnectorId { get; init; }
    public required string Email { get; init; }

    /// <summary>SHA-256 of the token's text; the store looks invitations up by it.</summary>
    public required byte[] TokenHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? UsedAt { get; init; }

    /// <summary>The mailbox (a source of the connector) the owner created through the link.</summary>
    public string? SourceId { get; init; }

    /// <summary>When the last email carrying the link was accepted by the SMTP server.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Why the last email could not be sent; null once one was sent.</summary>
    public string? SendError { get; init; }

    /// <summary>A used link stays Used (it shows its mailbox's status) whatever its expiry; only a pending one expires.</summary>
    public InvitationStatus StatusAt(DateTimeOffset now) =>
        UsedAt is not null ? InvitationStatus.Used
        : RevokedAt is not null ? InvitationStatus.Revoked
        : now >= ExpiresAt ? InvitationStatus.Expired
        : InvitationStatus.Pending;
}
