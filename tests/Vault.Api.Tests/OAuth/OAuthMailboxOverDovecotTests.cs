using System.Net;
using System.Web;
using Vault.TestSupport;
using static Vault.Api.Tests.OAuth.OAuthHarness;

namespace Vault.Api.Tests.OAuth;

/// <summary>
/// OAuth2 mailboxes end to end: Vault's API, a test authorization server standing in for Google, and the real test
/// Dovecot checking every XOAUTH2 token by introspection. One user, one provider and one Vault host per test.
/// </summary>
public sealed class OAuthMailboxOverDovecotTests
{
    /// <summary>
    /// Short enough that polls every 5 s soon need a refresh (Vault refreshes once half of it is left), long enough that
    /// a token outlives a slow login on a loaded machine (Dovecot's introspection has taken 6 s there).
    /// </summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_mailbox_signed_in_through_the_provider_imports_to_active_byte_exact_and_no_secret_shows_anywhere()
    {
        await using var harness = await StartAsync();
        var user = harness.Dovecot.CreateUser("oauth-import");
        for (var i = 1; i <= 3; i++)
        {
            await harness.Dovecot.AppendAsync(user, "INBOX", Message($"Inbox {i}"), Ct);
        }

        await harness.Dovecot.AppendAsync(user, "Archive/2025", Message("Filed away"), Ct);
        await harness.ConfigureGoogleAsync();

        var created = await harness.CreateSourceAsync(user);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal("Error", Status(created));
        Assert.Equal("OAuthConsentRequired", ErrorCode(created));
        Assert.Null(created["error"]!["nextRetryAt"]);
        Assert.Equal("oauth2", created["auth"]!.GetValue<string>());
        Assert.Equal("google", created["oauthProvider"]!.GetValue<string>());

        var authorizeUrl = await harness.StartSignInAsync(id);
        var query = HttpUtility.ParseQueryString(authorizeUrl.Query);
        Assert.StartsWith(harness.Provider.AuthorizeUrl.AbsoluteUri + "?", authorizeUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(harness.Provider.ClientId, query["client_id"]);
        Assert.Equal("http://localhost/oauth/callback", query["redirect_uri"]);
        Assert.Equal("https://mail.google.com/", query["scope"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]!.Length);
        Assert.Equal("offline", query["access_type"]);
        Assert.Equal("consent", query["prompt"]);
        Assert.True(query["state"]!.Length >= 43);

        var back = await harness.Provider.ConsentAsync(authorizeUrl, user.Name, cancellationToken: Ct);
        using (var callback = await harness.CallbackAsync(back))
        {
            Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
            Assert.Equal($"/#/sources?connected={id}", callback.Headers.Location!.OriginalString);
            Assert.Equal("no-store", callback.Headers.CacheControl!.ToString());
        }

        var active = await harness.UntilAsync(id, s => Status(s) == "Active", "the signed-in source finishes its import");
        Assert.Null(active["error"]);
        Assert.Equal(4, Archived(active));
        Assert.Equal((await ServedMail.Sha256Async(harness.Dovecot, user, Ct)).Order().ToList(), await harness.ArchivedSha256Async(id));
        Assert.True(harness.Provider.ActiveIntrospections(user.Name) >= 1, "Dovecot asked the provider about the XOAUTH2 token");
        var redemption = Assert.Single(harness.Provider.TokenRequests, r => r.GrantType == "authorization_code");
        Assert.True(redemption.VerifierSent && redemption.VerifierMatched && redemption.Error is null, redemption.ToString());

        // The same way back once more (a reload, a replay): refused, and the code never reaches the provider again.
        using (var replay = await harness.CallbackAsync(back))
        {
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
            var page = await replay.Content.ReadAsStringAsync(Ct);
            Assert.Contains("already completed once", page, StringComparison.Ordinal);
            Assert.Contains("data-outcome=\"Replayed\"", page, StringComparison.Ordinal);
            Assert.Contains("href=\"/#/sources\"", page, StringComparison.Ordinal);
        }

        Assert.Single(harness.Provider.TokenRequests, r => r.GrantType == "authorization_code");
        Assert.Equal("Active", Status(await harness.GetSourceAsync(id)));

        using (var unknown = await harness.Browser.GetAsync(new Uri("/oauth/callback?state=not-a-state-vault-issued&code=whatever", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            var page = await unknown.Content.ReadAsStringAsync(Ct);
            Assert.Contains("Vault did not start this sign-in", page, StringComparison.Ordinal);
            Assert.Contains("press Sign in (or Reconnect)", page, StringComparison.Ordinal);
        }

        harness.AssertNoSecretShown([StateOf(authorizeUrl)]);
    }

    [Fact]
    public async Task An_expiring_access_token_is_refreshed_for_the_next_login_and_a_rotated_refresh_token_replaces_the_old_one()
    {
        await using var harness = await StartAsync();
        harness.Provider.AccessTokenLifetime = TokenLifetime;
        harness.Provider.RotateRefreshTokens = true;
        var user = harness.Dovecot.CreateUser("oauth-refresh");
        await harness.Dovecot.AppendAsync(user, "INBOX", Message("Before the first refresh"), Ct);
        await harness.ConfigureGoogleAsync();
        var id = (await harness.CreateSourceAsync(user))["id"]!.GetValue<string>();
        var authorizeUrl = await harness.StartSignInAsync(id);
        var back = await harness.Provider.ConsentAsync(authorizeUrl, user.Name, cancellationToken: Ct);
        (await harness.CallbackAsync(back)).Dispose();
        await harness.UntilAsync(id, s => Status(s) == "Active" && Archived(s) == 1, "the import");

        // Every poll (5 s) logs in again; a token is due 15 s after it was issued, and each refresh retires the refresh token used.
        await Deadline.UntilAsync(
            () => Task.FromResult(harness.Provider.TokenRequests.Count(r => r.GrantType == "refresh_token" && r.Error is null) >= 2),
            TimeSpan.FromSeconds(90), () => $"two refreshes; token requests: {string.Join(", ", harness.Provider.TokenRequests)}", Ct);
        await harness.Dovecot.AppendAsync(user, "INBOX", Message("After two refreshes"), Ct);

        var synced = await harness.UntilAsync(id, s => Archived(s) == 2,
            $"the message delivered after the refreshes is archived; introspections: {string.Join(", ", harness.Provider.IntrospectionLog)}; token requests: {string.Join(", ", harness.Provider.TokenRequests)}");
        Assert.Equal("Active", Status(synced));
        Assert.Null(synced["error"]);
        Assert.DoesNotContain(harness.Provider.TokenRequests, r => r.Error is not null);
        // Only refreshed tokens can have logged in once the first one expired: the provider introspected them as active.
        Assert.True(harness.Provider.ActiveIntrospections(user.Name) >= 3, $"{harness.Provider.ActiveIntrospections(user.Name)} active introspections");
        Assert.Contains(harness.Provider.IntrospectionLog, entry => entry.Contains("active", StringComparison.Ordinal));
        harness.AssertNoSecretShown([StateOf(authorizeUrl)]);
    }

    [Fact]
    public async Task A_revoked_grant_waits_in_error_for_a_reconnect_and_reconnecting_resumes_the_source()
    {
        await using var harness = await StartAsync();
        harness.Provider.AccessTokenLifetime = TokenLifetime;
        var user = harness.Dovecot.CreateUser("oauth-revoked");
        await harness.Dovecot.AppendAsync(user, "INBOX", Message("Before the revocation"), Ct);
        await harness.ConfigureGoogleAsync();
        var id = (await harness.CreateSourceAsync(user))["id"]!.GetValue<string>();
        await harness.SignInAsync(id, user);
        await harness.UntilAsync(id, s => Status(s) == "Active" && Archived(s) == 1, "the import");

        // The cached access token is refused first (retried: it may just have been revoked early), then the refresh says invalid_grant.
        harness.Provider.RevokeGrantsOf(user.Name);
        var failed = await harness.UntilAsync(id, s => ErrorCode(s) == "OAuthConsentRequired", "the revoked grant stops the source", TimeSpan.FromSeconds(90));
        Assert.Equal("Error", Status(failed));
        Assert.Equal("OAuthConsentRequired", ErrorCode(failed));
        Assert.Null(failed["error"]!["nextRetryAt"]);
        Assert.Contains("Reconnect", failed["error"]!["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("invalid_grant", failed["error"]!["serverResponse"]!.GetValue<string>(), StringComparison.Ordinal);

        await harness.Dovecot.AppendAsync(user, "INBOX", Message("While disconnected"), Ct);
        await harness.SignInAsync(id, user);
        var resumed = await harness.UntilAsync(id, s => Status(s) == "Active" && Archived(s) == 2, "the reconnected source archives what arrived meanwhile");
        Assert.Null(resumed["error"]);
        harness.AssertNoSecretShown([]);
    }

    [Fact]
    public async Task The_pkce_verifier_binds_a_code_to_its_own_sign_in()
    {
        await using var harness = await StartAsync();
        var user = harness.Dovecot.CreateUser("oauth-pkce");
        await harness.ConfigureGoogleAsync();
        var id = (await harness.CreateSourceAsync(user))["id"]!.GetValue<string>();

        var first = await harness.StartSignInAsync(id);
        var second = await harness.StartSignInAsync(id);
        var firstBack = await harness.Provider.ConsentAsync(first, user.Name, cancellationToken: Ct);
        var code = HttpUtility.ParseQueryString(firstBack.Query)["code"]!;

        // The first sign-in's code with the second's state: Vault redeems it with the second sign-in's verifier.
        var crossed = new Uri($"/oauth/callback?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(StateOf(second))}", UriKind.Relative);
        using (var refused = await harness.Browser.GetAsync(crossed, Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var page = await refused.Content.ReadAsStringAsync(Ct);
            Assert.Contains("refused the sign-in code", page, StringComparison.Ordinal);
            Assert.Contains("Invalid code verifier.", page, StringComparison.Ordinal);
        }

        var mismatch = Assert.Single(harness.Provider.TokenRequests);
        Assert.True(mismatch.VerifierSent);
        Assert.False(mismatch.VerifierMatched);
        Assert.Equal("OAuthConsentRequired", ErrorCode(await harness.GetSourceAsync(id)));

        // The provider really checks: a guessed verifier is refused too, and the right one (Vault's, for this state) works.
        // Random, not a run of one letter: the provider counts it among the secrets that must never show, and the traces
        // this test reads hold other tests' requests too (a fuzz test asks for /api/messages/aaaa...).
        var guessed = "guessed-verifier-" + Guid.NewGuid().ToString("N");
        var (status, body) = await harness.Provider.RedeemAsync(code, "http://localhost/oauth/callback", guessed, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("invalid_grant", body, StringComparison.Ordinal);
        using (var connected = await harness.CallbackAsync(firstBack))
        {
            Assert.Equal(HttpStatusCode.Redirect, connected.StatusCode);
        }

        Assert.True(harness.Provider.TokenRequests[^1] is { VerifierSent: true, VerifierMatched: true, Error: null });
        await harness.UntilAsync(id, s => Status(s) == "Active", "the source signed in with the matching verifier runs");
        harness.AssertNoSecretShown([StateOf(first), StateOf(second)]);
    }

    [Fact]
    public async Task A_token_endpoint_that_is_down_is_retried_and_the_source_recovers_on_its_own()
    {
        await using var harness = await StartAsync();
        harness.Provider.AccessTokenLifetime = TokenLifetime;
        var user = harness.Dovecot.CreateUser("oauth-down");
        await harness.ConfigureGoogleAsync();
        var id = (await harness.CreateSourceAsync(user))["id"]!.GetValue<string>();
        await harness.SignInAsync(id, user);
        await harness.UntilAsync(id, s => Status(s) == "Active", "the import");

        harness.Provider.TokenEndpointDown = true;
        var failing = await harness.UntilAsync(id, s => Status(s) == "Error", "a refresh against the failing endpoint", TimeSpan.FromSeconds(90));
        Assert.Equal("OAuthProviderUnavailable", ErrorCode(failing));
        Assert.NotNull(failing["error"]!["nextRetryAt"]);

        harness.Provider.TokenEndpointDown = false;
        await harness.Dovecot.AppendAsync(user, "INBOX", Message("After the outage"), Ct);
        var recovered = await harness.UntilAsync(id, s => Status(s) == "Active" && Archived(s) == 1, "the source recovers without a person", TimeSpan.FromSeconds(90));
        Assert.Null(recovered["error"]);
    }

    [Fact]
    public async Task A_sign_in_without_the_mail_scope_or_without_a_refresh_token_says_what_to_do()
    {
        await using var harness = await StartAsync();
        var user = harness.Dovecot.CreateUser("oauth-scope");
        await harness.ConfigureGoogleAsync();
        var id = (await harness.CreateSourceAsync(user))["id"]!.GetValue<string>();

        harness.Provider.GrantScopes = ["openid"];
        using (var page = await harness.CallbackAsync(await harness.Provider.ConsentAsync(await harness.StartSignInAsync(id), user.Name, cancellationToken: Ct)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Contains("data-code=\"OAuthScopeMissing\"", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var missing = await harness.GetSourceAsync(id);
        Assert.Equal("OAuthScopeMissing", ErrorCode(missing));
        Assert.Contains("tick the box", missing["error"]!["hint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(missing["error"]!["nextRetryAt"]);

        harness.Provider.GrantScopes = null;
        harness.Provider.OmitRefreshToken = true;
        using (var page = await harness.CallbackAsync(await harness.Provider.ConsentAsync(await harness.StartSignInAsync(id), user.Name, cancellationToken: Ct)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Contains("gave Vault no refresh token", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var declined = await harness.Provider.ConsentAsync(await harness.StartSignInAsync(id), user.Name, allow: false, cancellationToken: Ct);
        using (var page = await harness.CallbackAsync(declined))
        {
            Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
            Assert.Contains("was declined", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal("Error", Status(await harness.GetSourceAsync(id)));
        harness.AssertNoSecretShown([]);
    }
}
