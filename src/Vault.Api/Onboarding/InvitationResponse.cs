using Vault.Archive.Invitations;
using Vault.Archive.Sources;

namespace Vault.Api.Onboarding;

/// <summary>
/// An invitation as the administrator sees it, with the mailbox it created. Never a token or a link: the link is in the
/// create answer only (<see cref="CreatedInvitationResponse"/>).
/// </summary>
public sealed record InvitationResponse(
    string Id,
    string ConnectorId,
    string Email,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? UsedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? SentAt,
    string? SendError,
    InvitationMailboxResponse? Mailbox)
{
    public static InvitationResponse From(Invitation invitation, InvitationStatus status, Source? mailbox)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return new(
            invitation.Id,
            invitation.ConnectorId,
            invitation.Email,
            status.ToString(),
            invitation.CreatedAt,
            invitation.ExpiresAt,
            invitation.UsedAt,
            invitation.RevokedAt,
            invitation.SentAt,
            invitation.SendError,
            invitation.SourceId is { } id ? new InvitationMailboxResponse(id, mailbox?.Settings.Name, mailbox?.Settings.Username, mailbox?.Status.ToString() ?? "Deleted") : null);
    }
}
