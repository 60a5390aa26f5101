namespace Vault.Archive.Invitations;

/// <summary>Where a self-service link stands; the strings of the HTTP contract.</summary>
public enum InvitationStatus
{
    /// <summary>Not used yet, not expired, not revoked: the owner can still connect the mailbox.</summary>
    Pending,

    /// <summary>The owner saved the mailbox; the link now shows its status only.</summary>
    Used,

    /// <summary>Past its expiry before it was used.</summary>
    Expired,

    /// <summary>Withdrawn by an administrator before it was used.</summary>
    Revoked,
}
