namespace Vault.Archive.Invitations;

/// <summary>
/// Self-service invitations, a port of its own beside <see cref="IArchiveStore"/> (both stores implement it, held to
/// one contract test suite). The state changes that decide who may do what (revoke, claim, a new token) are conditional
/// writes, so two requests at once cannot both win: a link creates at most one mailbox.
/// </summary>
public interface IInvitationStore
{
    Task CreateInvitationsAsync(IReadOnlyList<Invitation> invitations, CancellationToken cancellationToken);

    Task<Invitation?> GetInvitationAsync(string invitationId, CancellationToken cancellationToken);

    /// <summary>The invitation whose token hashes to <paramref name="tokenHash"/>, found by an index on the hash.</summary>
    Task<Invitation?> FindInvitationByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>The connector's invitations, oldest first.</summary>
    Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string connectorId, CancellationToken cancellationToken);

    /// <summary>Revokes a pending invitation (not used, not revoked, not expired at <paramref name="at"/>); false otherwise.</summary>
    Task<bool> RevokeInvitationAsync(string invitationId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks a pending invitation used by <paramref name="sourceId"/>; false when it is no longer pending (only one claim wins).</summary>
    Task<bool> ClaimInvitationAsync(string invitationId, string sourceId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Undoes the claim of <paramref name="sourceId"/> when its mailbox could not be created.</summary>
    Task ReleaseInvitationAsync(string invitationId, string sourceId, CancellationToken cancellationToken);

    /// <summary>Replaces the token of a pending invitation (a resend mints a new link); false when it is not pending.</summary>
    Task<bool> ReplaceInvitationTokenAsync(string invitationId, byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the outcome of the last email: when it was sent, or why it was not.</summary>
    Task RecordInvitationDeliveryAsync(string invitationId, DateTimeOffset? sentAt, string? sendError, CancellationToken cancellationToken);
}
