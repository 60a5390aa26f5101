using Vault.Archive.OAuth;

namespace Vault.Archive.Tests;

/// <summary>The OAuth2 port (<see cref="IOAuthStore"/>): client settings, single-use sign-in states, grants; run against each store.</summary>
public abstract partial class ArchiveStoreContractTests
{
    private OAuthSignInState SignIn(string stateHash, string sourceId, TimeSpan? expiresIn = null) => new()
    {
        StateHash = stateHash,
        SourceId = sourceId,
        Provider = OAuthProvider.Google,
        EncryptedCodeVerifier = [7, 7, 7],
        RedirectUri = "https://vault.example/oauth/callback",
        CreatedAt = Time.GetUtcNow(),
        ExpiresAt = Time.GetUtcNow() + (expiresIn ?? TimeSpan.FromMinutes(10)),
    };

    [Fact]
    public async Task Oauth_client_settings_round_trip_with_their_secret_and_are_replaced_whole()
    {
        var store = (IOAuthStore)await NewStoreAsync();
        Assert.Null(await store.GetOAuthClientAsync(OAuthProvider.Microsoft, Ct));

        var microsoft = new OAuthClientSettings
        {
            Provider = OAuthProvider.Microsoft,
            ClientId = "0f5c6a0e-client",
            EncryptedClientSecret = [1, 2, 3],
            Tenant = "organizations",
            AuthorizeUrl = new Uri("https://login.microsoftonline.us/organizations/oauth2/v2.0/authorize"),
            Scopes = ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"],
            UpdatedAt = Time.GetUtcNow(),
        };
        await store.SaveOAuthClientAsync(microsoft, Ct);
        await store.SaveOAuthClientAsync(microsoft with { Provider = OAuthProvider.Google, ClientId = "google-client", Tenant = null, AuthorizeUrl = null, Scopes = null }, Ct);

        var read = await store.GetOAuthClientAsync(OAuthProvider.Microsoft, Ct);
        Assert.NotNull(read);
        Assert.Equal(microsoft.ClientId, read.ClientId);
        Assert.Equal(microsoft.EncryptedClientSecret, read.EncryptedClientSecret);
        Assert.Equal("organizations", read.Tenant);
        Assert.Equal(microsoft.AuthorizeUrl, read.AuthorizeUrl);
        Assert.Null(read.TokenUrl);
        Assert.Equal(microsoft.Scopes, read.Scopes);
        Assert.Equal(microsoft.UpdatedAt, read.UpdatedAt);
        Assert.Equal("google-client", (await store.GetOAuthClientAsync(OAuthProvider.Google, Ct))!.ClientId);

        await store.SaveOAuthClientAsync(microsoft with { ClientId = "second", EncryptedClientSecret = null, Scopes = null, UpdatedAt = Time.GetUtcNow().AddHours(1) }, Ct);
        var replaced = await store.GetOAuthClientAsync(OAuthProvider.Microsoft, Ct);
        Assert.Equal("second", replaced!.ClientId);
        Assert.Null(replaced.EncryptedClientSecret);
        Assert.Null(replaced.Scopes);
        Assert.Equal(Time.GetUtcNow().AddHours(1), replaced.UpdatedAt);
    }

    [Fact]
    public async Task A_sign_in_state_is_claimed_once_and_a_replay_reads_already_used()
    {
        var store = (IOAuthStore)await NewStoreAsync();
        var signIn = SignIn("a1b2", "s");
        await store.SaveOAuthSignInAsync(signIn, Ct);
        var at = Time.GetUtcNow().AddMinutes(1);

        var first = await store.ClaimOAuthSignInAsync("a1b2", at, Ct);
        var replay = await store.ClaimOAuthSignInAsync("a1b2", at.AddSeconds(5), Ct);
        var unknown = await store.ClaimOAuthSignInAsync("ffff", at, Ct);

        Assert.Equal(OAuthSignInClaimOutcome.Claimed, first.Outcome);
        Assert.Equal(signIn with { UsedAt = at }, first.SignIn! with { EncryptedCodeVerifier = signIn.EncryptedCodeVerifier });
        Assert.Equal(signIn.EncryptedCodeVerifier, first.SignIn!.EncryptedCodeVerifier);
        Assert.Equal(OAuthSignInClaimOutcome.AlreadyUsed, replay.Outcome);
        Assert.Equal(at, replay.SignIn!.UsedAt);
        Assert.Equal(OAuthSignInClaimOutcome.Unknown, unknown.Outcome);
        Assert.Null(unknown.SignIn);
    }

    [Fact]
    public async Task Of_many_callbacks_with_one_state_exactly_one_claims_it()
    {
        var store = (IOAuthStore)await NewStoreAsync();
        await store.SaveOAuthSignInAsync(SignIn("race", "s"), Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.ClaimOAuthSignInAsync("race", Time.GetUtcNow(), Ct), Ct)));

        Assert.Single(claims, c => c.Outcome == OAuthSignInClaimOutcome.Claimed);
        Assert.Equal(7, claims.Count(c => c.Outcome == OAuthSignInClaimOutcome.AlreadyUsed));
    }

    [Fact]
    public async Task States_expired_for_more_than_a_day_are_purged_when_a_new_sign_in_starts()
    {
        var store = (IOAuthStore)await NewStoreAsync();
        await store.SaveOAuthSignInAsync(SignIn("old", "s"), Ct);
        await store.SaveOAuthSignInAsync(SignIn("recent", "s"), Ct);

        Time.Advance(TimeSpan.FromHours(20));
        await store.SaveOAuthSignInAsync(SignIn("new", "s"), Ct);
        Assert.Equal(OAuthSignInClaimOutcome.Claimed, (await store.ClaimOAuthSignInAsync("old", Time.GetUtcNow(), Ct)).Outcome);

        Time.Advance(TimeSpan.FromHours(5));
        await store.SaveOAuthSignInAsync(SignIn("newer", "s"), Ct);

        // "old" and "recent" expired 10 minutes after the start, more than a day before "newer" was created.
        Assert.Equal(OAuthSignInClaimOutcome.Unknown, (await store.ClaimOAuthSignInAsync("old", Time.GetUtcNow(), Ct)).Outcome);
        Assert.Equal(OAuthSignInClaimOutcome.Unknown, (await store.ClaimOAuthSignInAsync("recent", Time.GetUtcNow(), Ct)).Outcome);
        Assert.Equal(OAuthSignInClaimOutcome.Claimed, (await store.ClaimOAuthSignInAsync("new", Time.GetUtcNow(), Ct)).Outcome);
    }

    [Fact]
    public async Task A_grant_is_kept_per_source_replaced_by_a_rotated_token_and_deleted()
    {
        var store = (IOAuthStore)await NewStoreAsync();
        var grant = new OAuthGrant
        {
            SourceId = "s",
            Provider = OAuthProvider.Microsoft,
            EncryptedRefreshToken = [4, 5, 6],
            Scopes = ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"],
            GrantedAt = Time.GetUtcNow(),
        };
        await store.SaveOAuthGrantAsync(grant, Ct);
        await store.SaveOAuthGrantAsync(grant with { SourceId = "t", EncryptedRefreshToken = [9] }, Ct);

        var read = await store.GetOAuthGrantAsync("s", Ct);
        Assert.Equal(grant.EncryptedRefreshToken, read!.EncryptedRefreshToken);
        Assert.Equal(grant.Scopes, read.Scopes);
        Assert.Equal((grant.SourceId, grant.Provider, grant.GrantedAt, (DateTimeOffset?)null), (read.SourceId, read.Provider, read.GrantedAt, read.RotatedAt));

        var rotatedAt = Time.GetUtcNow().AddHours(1);
        await store.SaveOAuthGrantAsync(grant with { EncryptedRefreshToken = [8, 8], RotatedAt = rotatedAt }, Ct);
        var rotated = await store.GetOAuthGrantAsync("s", Ct);
        Assert.Equal([8, 8], rotated!.EncryptedRefreshToken);
        Assert.Equal(rotatedAt, rotated.RotatedAt);

        await store.DeleteOAuthGrantAsync("s", Ct);
        Assert.Null(await store.GetOAuthGrantAsync("s", Ct));
        Assert.Equal([9], (await store.GetOAuthGrantAsync("t", Ct))!.EncryptedRefreshToken);
        Assert.Null(await store.GetOAuthGrantAsync("nobody", Ct));
    }

    [Fact]
    public async Task Deleting_a_source_deletes_its_grant_and_its_sign_ins_in_flight()
    {
        var store = await NewStoreAsync();
        var oauth = (IOAuthStore)store;
        await store.CreateSourceAsync(NewSource("s"), Ct);
        await store.CreateSourceAsync(NewSource("t"), Ct);
        foreach (var id in new[] { "s", "t" })
        {
            await oauth.SaveOAuthGrantAsync(new OAuthGrant { SourceId = id, Provider = OAuthProvider.Google, EncryptedRefreshToken = [1], GrantedAt = Time.GetUtcNow() }, Ct);
            await oauth.SaveOAuthSignInAsync(SignIn($"state-{id}", id), Ct);
        }

        await store.DeleteSourceAsync("s", purgeMessages: false, Ct);

        Assert.Null(await oauth.GetOAuthGrantAsync("s", Ct));
        Assert.Equal(OAuthSignInClaimOutcome.Unknown, (await oauth.ClaimOAuthSignInAsync("state-s", Time.GetUtcNow(), Ct)).Outcome);
        Assert.NotNull(await oauth.GetOAuthGrantAsync("t", Ct));
        Assert.Equal(OAuthSignInClaimOutcome.Claimed, (await oauth.ClaimOAuthSignInAsync("state-t", Time.GetUtcNow(), Ct)).Outcome);
    }
}
