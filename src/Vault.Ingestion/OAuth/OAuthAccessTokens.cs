using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Credentials;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// Access tokens of OAuth2 sources, in memory only: a login takes the cached token while it is good, else one refresh
/// (one at a time per source) turns the stored refresh token into a new one. A token is refreshed
/// <see cref="RefreshBefore"/> before it expires (half its lifetime when that is shorter), and a refresh token the provider
/// rotates replaces the stored one at once. The grant is read at every login, so a new consent or a deleted grant takes
/// effect there. Failures leave as <see cref="MailConnectionException"/> already classified (<see cref="OAuthErrors"/>).
/// </summary>
public sealed class OAuthAccessTokens(
    IOAuthStore store,
    OAuthClients clients,
    OAuthTokenEndpoint endpoint,
    CredentialProtector protector,
    TimeProvider timeProvider,
    ILogger<OAuthAccessTokens> logger)
{
    public static TimeSpan RefreshBefore { get; } = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, CachedToken> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshes = new(StringComparer.Ordinal);

    public async Task<OAuth2Credential> GetAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var provider = source.Settings.OAuthProvider
            ?? throw new InvalidOperationException($"Source {source.Id} signs in with OAuth2 but names no provider.");
        var grant = await store.GetOAuthGrantAsync(source.Id, cancellationToken)
            ?? throw new MailConnectionException(OAuthErrors.NotSignedIn(provider), null);
        if (Usable(source.Id, grant) is { } cached)
        {
            return Credential(source, grant, cached, freshlyIssued: false);
        }

        var gate = _refreshes.GetOrAdd(source.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Another login of this source may have refreshed (and rotated the refresh token) while this one waited.
            grant = await store.GetOAuthGrantAsync(source.Id, cancellationToken)
                ?? throw new MailConnectionException(OAuthErrors.NotSignedIn(provider), null);
            if (Usable(source.Id, grant) is { } refreshed)
            {
                return Credential(source, grant, refreshed, freshlyIssued: false);
            }

            var client = await clients.ResolveAsync(provider, cancellationToken)
                ?? throw new MailConnectionException(OAuthErrors.NotConfigured(provider), null);
            var refreshToken = protector.Unprotect(grant.EncryptedRefreshToken);
            OAuthTokens tokens;
            try
            {
                tokens = await endpoint.RefreshAsync(client, refreshToken, cancellationToken);
            }
            catch (OAuthTokenException failure)
            {
                OAuthLog.TokenRequestFailed(logger, source.Id, client.Profile.Id, failure.Error, failure.StatusCode, failure.Transient);
                throw new MailConnectionException(OAuthErrors.FromTokenEndpoint(failure, provider), failure);
            }

            if (tokens.RefreshToken is { Length: > 0 } rotated && !string.Equals(rotated, refreshToken, StringComparison.Ordinal))
            {
                // Microsoft: "refresh tokens replace themselves with a fresh token upon every use" (oauth2-imap.md §2).
                grant = grant with
                {
                    EncryptedRefreshToken = protector.Protect(rotated),
                    RotatedAt = timeProvider.GetUtcNow(),
                    Scopes = tokens.Scopes ?? grant.Scopes,
                };
                await store.SaveOAuthGrantAsync(grant, cancellationToken);
                OAuthLog.RefreshTokenRotated(logger, source.Id, client.Profile.Id);
            }

            return Credential(source, grant, Remember(source.Id, grant, tokens), freshlyIssued: true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Keeps the access token a sign-in just received, so the first login needs no refresh.</summary>
    public void Remember(OAuthGrant grant, OAuthTokens tokens)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(tokens);
        Remember(grant.SourceId, grant, tokens);
    }

    private CachedToken Remember(string sourceId, OAuthGrant grant, OAuthTokens tokens)
    {
        var now = timeProvider.GetUtcNow();
        var margin = tokens.ExpiresIn / 2 < RefreshBefore ? tokens.ExpiresIn / 2 : RefreshBefore;
        var cached = new CachedToken(tokens.AccessToken, grant.GrantedAt, now + tokens.ExpiresIn - margin);
        _cache[sourceId] = cached;
        OAuthLog.AccessTokenIssued(logger, sourceId, grant.Provider, tokens.ExpiresIn, cached.RefreshAt);
        return cached;
    }

    /// <summary>The cached token, if it belongs to this grant (not an earlier consent), is due for no refresh, and no server refused it.</summary>
    private CachedToken? Usable(string sourceId, OAuthGrant grant) =>
        _cache.TryGetValue(sourceId, out var cached) && !cached.Rejected && cached.GrantedAt == grant.GrantedAt && timeProvider.GetUtcNow() < cached.RefreshAt
            ? cached
            : null;

    private OAuth2Credential Credential(Source source, OAuthGrant grant, CachedToken cached, bool freshlyIssued) =>
        new(source.Settings.Username, cached.AccessToken, grant.Provider, grant.Scopes, freshlyIssued, () =>
        {
            cached.Rejected = true;
            OAuthLog.AccessTokenRejected(logger, source.Id);
        });

    private sealed class CachedToken(string accessToken, DateTimeOffset grantedAt, DateTimeOffset refreshAt)
    {
        private volatile bool _rejected;

        public string AccessToken { get; } = accessToken;

        public DateTimeOffset GrantedAt { get; } = grantedAt;

        public DateTimeOffset RefreshAt { get; } = refreshAt;

        public bool Rejected
        {
            get => _rejected;
            set => _rejected = value;
        }
    }
}
