namespace Vault.Archive.OAuth;

/// <summary>Whether a callback's state was this callback's to use.</summary>
public enum OAuthSignInClaimOutcome
{
    /// <summary>This call claimed it: the state was unused. It may still have expired (compare <see cref="OAuthSignInState.ExpiresAt"/>).</summary>
    Claimed,

    /// <summary>An earlier callback claimed it: a replay.</summary>
    AlreadyUsed,

    /// <summary>No such state (never issued, or purged a day after it expired).</summary>
    Unknown,
}
