using Vault.Archive.Invitations;
using Vault.Ingestion.Onboarding;

namespace Vault.Api.Onboarding;

/// <summary>A new invitation with its link: the only answer that ever carries a token.</summary>
public sealed record CreatedInvitationResponse(string Id, string Email, Uri Url, string Status, DateTimeOffset ExpiresAt, DateTimeOffset? SentAt, string? SendError)
{
    public static CreatedInvitationResponse From(IssuedInvitation issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var invitation = issued.Invitation;
        return new(invitation.Id, invitation.Email, issued.Url, nameof(InvitationStatus.Pending), invitation.ExpiresAt, invitation.SentAt, invitation.SendError);
    }
}
