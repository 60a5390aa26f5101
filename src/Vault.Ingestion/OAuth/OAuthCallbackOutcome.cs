namespace Vault.Ingestion.OAuth;

/// <summary>How a return from the provider to <c>/oauth/callback</c> ended.</summary>
public enum OAuthCallbackOutcome
{
    /// <summary>The grant is stored and the source runs.</summary>
    Connected,

    /// <summary>No state, or one Vault never issued (or purged a day after it expired).</summary>
    UnknownState,

    /// <summary>The state was used by an earlier callback.</summary>
    Replayed,

    /// <summary>The sign-in started more than ten minutes ago.</summary>
    Expired,

    /// <summary>The source was deleted, or no longer signs in with this provider.</summary>
    SourceGone,

    /// <summary>The person (or the provider's policy) refused: <c>error=access_denied</c> and the like.</summary>
    Denied,

    /// <summary>The token endpoint refused the code (reused, expired, PKCE verifier wrong, client wrong).</summary>
    CodeRefused,

    /// <summary>The token endpoint could not be reached: trying again may work.</summary>
    ProviderUnavailable,

    /// <summary>No client id for the provider any more.</summary>
    NotConfigured,

    /// <summary>Signed in, but without a refresh token or without the mail scope: the source shows the error.</summary>
    Incomplete,
}
