namespace Vault.Ingestion.Errors;

/// <summary>The stable <c>error.code</c> strings of ARCHITECTURE.md; tools and the dashboard match on them.</summary>
public static class ErrorCodes
{
    public const string AuthenticationFailed = nameof(AuthenticationFailed);
    public const string AuthorizationFailed = nameof(AuthorizationFailed);
    public const string MasterUserNotSupported = nameof(MasterUserNotSupported);
    public const string AppPasswordRequired = nameof(AppPasswordRequired);
    public const string WebLoginRequired = nameof(WebLoginRequired);
    public const string OAuthRequired = nameof(OAuthRequired);

    /// <summary>An OAuth2 source without a working grant: never signed in, or the grant was revoked or expired. A person reconnects.</summary>
    public const string OAuthConsentRequired = nameof(OAuthConsentRequired);

    /// <summary>No client id for the source's provider yet (<c>/api/oauth/providers/{provider}</c>).</summary>
    public const string OAuthNotConfigured = nameof(OAuthNotConfigured);

    /// <summary>The provider refused Vault's client itself (wrong or expired secret, unknown client id).</summary>
    public const string OAuthClientRejected = nameof(OAuthClientRejected);

    /// <summary>The account consented without the scope that opens the mailbox.</summary>
    public const string OAuthScopeMissing = nameof(OAuthScopeMissing);

    /// <summary>The token endpoint is down or slow: retried.</summary>
    public const string OAuthProviderUnavailable = nameof(OAuthProviderUnavailable);

    /// <summary>The mail server refused an access token that was not new: Vault gets a fresh one and retries.</summary>
    public const string OAuthTokenRejected = nameof(OAuthTokenRejected);

    /// <summary>The mail server offers neither XOAUTH2 nor OAUTHBEARER.</summary>
    public const string OAuthNotSupported = nameof(OAuthNotSupported);
    public const string ImapDisabled = nameof(ImapDisabled);
    public const string TlsCertificateInvalid = nameof(TlsCertificateInvalid);
    public const string TlsHandshakeFailed = nameof(TlsHandshakeFailed);
    public const string TlsRequired = nameof(TlsRequired);
    public const string ConnectionRefused = nameof(ConnectionRefused);
    public const string HostNotFound = nameof(HostNotFound);
    public const string Timeout = nameof(Timeout);
    public const string TooManyConnections = nameof(TooManyConnections);
    public const string RateLimited = nameof(RateLimited);
    public const string QuotaExceeded = nameof(QuotaExceeded);
    public const string ServerUnavailable = nameof(ServerUnavailable);
    public const string ProtocolError = nameof(ProtocolError);
    public const string ProtocolNotSupported = nameof(ProtocolNotSupported);
    public const string UidlNotSupported = nameof(UidlNotSupported);
    public const string StorageError = nameof(StorageError);
    public const string Unknown = nameof(Unknown);
}
