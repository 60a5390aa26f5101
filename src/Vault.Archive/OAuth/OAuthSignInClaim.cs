namespace Vault.Archive.OAuth;

/// <summary>What claiming a sign-in state found: the state (now used, whoever claims it next) or why there is none.</summary>
public sealed record OAuthSignInClaim(OAuthSignInClaimOutcome Outcome, OAuthSignInState? SignIn)
{
    public static OAuthSignInClaim Unknown { get; } = new(OAuthSignInClaimOutcome.Unknown, null);
}
