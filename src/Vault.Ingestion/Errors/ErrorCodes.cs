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
