using Microsoft.Extensions.Logging;

namespace Vault.Ingestion.OAuth;

/// <summary>OAuth2 events by source and provider; never a token, a code, a state or a secret.</summary>
internal static partial class OAuthLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Source {SourceId}: OAuth2 sign-in with {Provider} started; it expires at {ExpiresAt}")]
    public static partial void SignInStarted(ILogger logger, string sourceId, string provider, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Source {SourceId}: signed in with {Provider}; granted scopes: {Scopes}")]
    public static partial void SignedIn(ILogger logger, string sourceId, string provider, IReadOnlyList<string> scopes);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "OAuth2 callback refused: {Outcome} (source {SourceId})")]
    public static partial void CallbackRefused(ILogger logger, OAuthCallbackOutcome outcome, string? sourceId);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Source {SourceId}: new {Provider} access token, valid for {Lifetime}, refreshed from {RefreshAt}")]
    public static partial void AccessTokenIssued(ILogger logger, string sourceId, Archive.OAuth.OAuthProvider provider, TimeSpan lifetime, DateTimeOffset refreshAt);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Source {SourceId}: {Provider} replaced the refresh token; the new one is stored")]
    public static partial void RefreshTokenRotated(ILogger logger, string sourceId, string provider);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Source {SourceId}: {Provider} refused a token request: {OAuthError} (HTTP {StatusCode}, transient: {Transient})")]
    public static partial void TokenRequestFailed(ILogger logger, string sourceId, string provider, string? oAuthError, int? statusCode, bool transient);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Source {SourceId}: the mail server refused the cached access token; the next login gets a new one")]
    public static partial void AccessTokenRejected(ILogger logger, string sourceId);
}
