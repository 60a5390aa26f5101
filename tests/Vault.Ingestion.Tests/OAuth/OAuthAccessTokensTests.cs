using System.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vault.Archive.Embedded;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;
using Vault.Ingestion.OAuth;
using Vault.TestSupport;
using Vault.TestSupport.OAuth;

namespace Vault.Ingestion.Tests.OAuth;

/// <summary>
/// Access tokens against a real token endpoint (the test authorization server) on Vault's own clock (a fake one): cached
/// until five minutes before they expire, refreshed once however many logins ask, rotated refresh tokens stored, and every
/// failure classified.
/// </summary>
public sealed class OAuthAccessTokensTests : IAsyncLifetime
{
    private const string RedirectUri = "http://localhost/oauth/callback";
    private readonly TempDirectory _data = new("vault-oauth-tokens");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly CredentialProtector _protector = new(new EphemeralDataProtectionProvider());
    private readonly OAuthTokenEndpoint _endpoint = new();
    private EmbeddedArchiveStore _store = null!;
    private TestAuthorizationServer _provider = null!;
    private OAuthAccessTokens _tokens = null!;
    private OAuthClients _clients = null!;

    private readonly Source _source = new()
    {
        Id = "src-oauth",
        Settings = new SourceSettings { Name = "OAuth", Host = "imap.gmail.com", Username = "someone@example.com", Auth = SourceAuth.OAuth2, OAuthProvider = OAuthProvider.Google },
        EncryptedPassword = [],
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new EmbeddedArchiveStore(_data.Path, _time);
        await _store.InitializeAsync(Ct);
        _provider = await TestAuthorizationServer.StartAsync();
        _clients = new OAuthClients(_store, _protector);
        _tokens = new OAuthAccessTokens(_store, _clients, _endpoint, _protector, _time, NullLogger<OAuthAccessTokens>.Instance);
        await _store.SaveOAuthClientAsync(new OAuthClientSettings
        {
            Provider = OAuthProvider.Google,
            ClientId = _provider.ClientId,
            EncryptedClientSecret = _protector.Protect(_provider.ClientSecret),
            AuthorizeUrl = _provider.AuthorizeUrl,
            TokenUrl = _provider.TokenUrl,
            UpdatedAt = _time.GetUtcNow(),
        }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _store.DisposeAsync();
        _endpoint.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_token_is_used_until_five_minutes_before_it_expires_then_refreshed_once()
    {
        var first = await SignInAsync();

        var cached = await _tokens.GetAsync(_source, Ct);
        _time.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        var stillCached = await _tokens.GetAsync(_source, Ct);
        Assert.Equal(first.AccessToken, cached.AccessToken);
        Assert.Equal(first.AccessToken, stillCached.AccessToken);
        Assert.False(stillCached.FreshlyIssued);
        Assert.DoesNotContain(_provider.TokenRequests, r => r.GrantType == "refresh_token");

        _time.Advance(TimeSpan.FromSeconds(2));
        var logins = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => _tokens.GetAsync(_source, Ct), Ct)));

        Assert.Single(_provider.TokenRequests, r => r.GrantType == "refresh_token");
        Assert.Single(logins.Select(c => c.AccessToken).Distinct());
        Assert.NotEqual(first.AccessToken, logins[0].AccessToken);
        Assert.Single(logins, c => c.FreshlyIssued);
        Assert.Equal("someone@example.com", logins[0].Mailbox);
    }

    [Fact]
    public async Task A_rotated_refresh_token_replaces_the_stored_one_and_works_next_time()
    {
        await SignInAsync();
        _provider.RotateRefreshTokens = true;
        var before = _protector.Unprotect((await _store.GetOAuthGrantAsync(_source.Id, Ct))!.EncryptedRefreshToken);

        _time.Advance(TimeSpan.FromHours(1));
        await _tokens.GetAsync(_source, Ct);
        var grant = (await _store.GetOAuthGrantAsync(_source.Id, Ct))!;
        var after = _protector.Unprotect(grant.EncryptedRefreshToken);
        _time.Advance(TimeSpan.FromHours(1));
        await _tokens.GetAsync(_source, Ct);

        Assert.NotEqual(before, after);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromHours(1), grant.RotatedAt);
        Assert.Equal(2, _provider.TokenRequests.Count(r => r.GrantType == "refresh_token" && r.Error is null));
    }

    [Fact]
    public async Task A_token_the_mail_server_refused_is_not_used_again()
    {
        var first = await SignInAsync();

        (await _tokens.GetAsync(_source, Ct)).MarkRejected();
        var next = await _tokens.GetAsync(_source, Ct);

        Assert.NotEqual(first.AccessToken, next.AccessToken);
        Assert.True(next.FreshlyIssued);
    }

    [Fact]
    public async Task Refusals_and_outages_are_classified_for_the_source()
    {
        var none = await Assert.ThrowsAsync<MailConnectionException>(() => _tokens.GetAsync(_source, Ct));
        Assert.Equal(ErrorCodes.OAuthConsentRequired, none.Error.Code);

        await SignInAsync();
        _time.Advance(TimeSpan.FromHours(1));
        _provider.TokenEndpointDown = true;
        var down = await Assert.ThrowsAsync<MailConnectionException>(() => _tokens.GetAsync(_source, Ct));
        Assert.Equal((ErrorCodes.OAuthProviderUnavailable, true), (down.Error.Code, down.Error.Transient));

        _provider.TokenEndpointDown = false;
        _provider.RevokeGrantsOf("someone@example.com");
        var revoked = await Assert.ThrowsAsync<MailConnectionException>(() => _tokens.GetAsync(_source, Ct));
        Assert.Equal((ErrorCodes.OAuthConsentRequired, false), (revoked.Error.Code, revoked.Error.Transient));
        Assert.Equal("invalid_grant: Token has been expired or revoked.", revoked.Error.ServerResponse);

        await _store.SaveOAuthClientAsync(new OAuthClientSettings { Provider = OAuthProvider.Google, ClientId = _provider.ClientId, TokenUrl = _provider.TokenUrl, UpdatedAt = _time.GetUtcNow() }, Ct);
        var client = await Assert.ThrowsAsync<MailConnectionException>(() => _tokens.GetAsync(_source, Ct));
        Assert.Equal(ErrorCodes.OAuthClientRejected, client.Error.Code);

        foreach (var secret in _provider.Secrets)
        {
            Assert.DoesNotContain(secret, $"{none}{down}{revoked}{client}", StringComparison.Ordinal);
        }
    }

    /// <summary>Consent at the provider and code redemption with PKCE, as the callback does; the grant is stored and its first token kept.</summary>
    private async Task<OAuthTokens> SignInAsync()
    {
        var verifier = new string('v', 20) + Guid.NewGuid().ToString("N");
        var authorize = new UriBuilder(_provider.AuthorizeUrl)
        {
            Query = $"response_type=code&client_id={_provider.ClientId}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&scope={Uri.EscapeDataString("https://mail.google.com/")}" +
                    $"&state=s&code_challenge={OAuthSignIns.Challenge(verifier)}&code_challenge_method=S256",
        }.Uri;
        var back = await _provider.ConsentAsync(authorize, "someone@example.com", cancellationToken: Ct);
        var client = (await _clients.ResolveAsync(OAuthProvider.Google, Ct))!;
        var tokens = await _endpoint.RedeemCodeAsync(client, HttpUtility.ParseQueryString(back.Query)["code"]!, verifier, RedirectUri, Ct);
        var grant = new OAuthGrant
        {
            SourceId = _source.Id,
            Provider = OAuthProvider.Google,
            EncryptedRefreshToken = _protector.Protect(tokens.RefreshToken!),
            Scopes = tokens.Scopes!,
            GrantedAt = _time.GetUtcNow(),
        };
        await _store.SaveOAuthGrantAsync(grant, Ct);
        _tokens.Remember(grant, tokens);
        return tokens;
    }
}
