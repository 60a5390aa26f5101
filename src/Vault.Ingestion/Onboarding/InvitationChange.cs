using Vault.Archive.Invitations;

namespace Vault.Ingestion.Onboarding;

/// <summary>What an administrator's action did: the invitation after it, or why it could not be done (null: no such invitation).</summary>
public sealed record InvitationChange(Invitation? Invitation, string? Conflict)
{
    public static InvitationChange NotFound { get; } = new(null, null);
}
