using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Vault.Archive.OAuth;
using Vault.Archive.Sources;
using Vault.Ingestion.Errors;
using Vault.Ingestion.Sources;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// The authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636) for one source. <see cref="StartAsync"/> makes a
/// single-use state bound to the source, valid for <see cref="Lifetime"/>, and an S256 code challenge, and keeps the
/// verifier encrypted; <see cref="CompleteAsync"/> claims the state once, redeems the code with the verifier, stores the
/// refresh token encrypted and starts the source.
/// </summary>
public sealed class OAuthSignIns(
    ISourceStore sources,
    IOAuthStore store,
    OAuthClients clients,
    OAuthTokenEndpoint endpoint,
    OAuthAccessTokens accessTokens,
    CredentialProtector protector,
    SourceLifecycle lifecycle,
    TimeProvider timeProvider,
    ILogger<OAuthSignIns> logger)
{
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(10);

    /// <returns>The authorize URL; null when the provider has no client configured (the caller says so).</returns>
    /// <param name="source">An OAuth2 source.</param>
    /// <param name="redirectUri"><c>{Vault:PublicUrl}/oauth/callback</c>, exactly as registered at the provider.</param>
    public async Task<OAuthSignInStart?> StartAsync(Source source, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var provider = source.Settings.OAuthProvider
            ?? throw new InvalidOperationException($"Source {source.Id} names no OAuth2 provider.");
        if (await clients.ResolveAsync(provider, cancellationToken) is not { } client)
        {
            return null;
        }

        var state = RandomToken();
        var verifier = RandomToken();
        var now = timeProvider.GetUtcNow();
        var signIn = new OAuthSignInState
        {
            StateHash = Hash(state),
            SourceId = source.Id,
            Provider = provider,
            EncryptedCodeVerifier = protector.Protect(verifier),
            RedirectUri = redirectUri.AbsoluteUri,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        await store.SaveOAuthSignInAsync(signIn, cancellationToken);
        OAuthLog.SignInStarted(logger, source.Id, client.Profile.Id, signIn.ExpiresAt);

        List<KeyValuePair<string, string>> parameters =
        [
            new("response_type", "code"),
            new("client_id", client.ClientId),
            new("redirect_uri", signIn.RedirectUri),
            new("scope", string.Join(' ', client.Scopes)),
            new("state", state),
            new("code_challenge", Challenge(verifier)),
            new("code_challenge_method", "S256"),
            .. client.Profile.AuthorizeParameters,
        ];
        if (source.Settings.Username.Contains('@', StringComparison.Ordinal))
        {
            // Both providers preselect this account, so the person does not sign in with another one by mistake.
            parameters.Add(new("login_hint", source.Settings.Username));
        }

        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var url = client.AuthorizeUrl.AbsoluteUri;
        return new OAuthSignInStart(new Uri(url + (client.AuthorizeUrl.Query.Length > 1 ? "&" : "?") + query), signIn.ExpiresAt);
    }

    /// <summary>The provider sent the person back with <paramref name="code"/> (or <paramref name="error"/>) and <paramref name="state"/>.</summary>
    public async Task<OAuthCallbackResult> CompleteAsync(string? state, string? code, string? error, string? errorDescription, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var claim = string.IsNullOrEmpty(state) ? OAuthSignInClaim.Unknown : await store.ClaimOAuthSignInAsync(Hash(state), now, cancellationToken);
        var result = await CompleteClaimAsync(claim, code, error, errorDescription, now, cancellationToken);
        if (result.Outcome != OAuthCallbackOutcome.Connected)
        {
            OAuthLog.CallbackRefused(logger, result.Outcome, result.SourceId);
        }

        return result;
    }

    private async Task<OAuthCallbackResult> CompleteClaimAsync(
        OAuthSignInClaim claim, string? code, string? error, string? errorDescription, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (claim.Outcome)
        {
            case OAuthSignInClaimOutcome.Unknown:
                return OAuthCallbackResult.Failed(OAuthCallbackOutcome.UnknownState, Refusal(
                    "Vault did not start this sign-in, or it was started so long ago that Vault forgot it.",
                    "Go back to Vault's dashboard and press Sign in (or Reconnect) on the mailbox again."));
            case OAuthSignInClaimOutcome.AlreadyUsed:
                return OAuthCallbackResult.Failed(OAuthCallbackOutcome.Replayed, Refusal(
                    "This sign-in was already completed once; a sign-in link works only once.",
                    "Go back to Vault's dashboard: the mailbox shows whether it is connected. If not, press Sign in (or Reconnect) again."),
                    claim.SignIn!.SourceId);
        }

        var signIn = claim.SignIn!;
        var source = await sources.GetSourceAsync(signIn.SourceId, cancellationToken);
        if (source is null || source.Settings.Auth != SourceAuth.OAuth2 || source.Settings.OAuthProvider != signIn.Provider)
        {
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.SourceGone, Refusal(
                "The mailbox this sign-in was for was deleted or no longer signs in with this provider.",
                "Go back to Vault's dashboard and add the mailbox again, or sign in from the mailbox as it is now."), signIn.SourceId);
        }

        var name = source.Settings.Name;
        var provider = OAuthProviderProfiles.For(signIn.Provider);
        if (now > signIn.ExpiresAt)
        {
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.Expired, Refusal(
                $"The sign-in took longer than {Lifetime.TotalMinutes:0} minutes, so Vault no longer accepts it.",
                "Go back to Vault's dashboard and press Sign in (or Reconnect) again, then finish within 10 minutes."), source.Id, name);
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            // RFC 6749 §4.1.2.1: access_denied when the person declined; the description is the provider's.
            var said = string.IsNullOrEmpty(error) ? "no code" : string.IsNullOrEmpty(errorDescription) ? error : $"{error}: {Shorten(errorDescription)}";
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.Denied, new ClassifiedError(ErrorCodes.OAuthConsentRequired,
                error == "access_denied"
                    ? $"The sign-in at {provider.Name} was declined, so Vault has no access to this mailbox."
                    : $"{provider.Name} did not complete the sign-in.",
                "Go back to Vault's dashboard and press Sign in again, and allow Vault access to the mailbox. If your organisation requires an administrator to approve the app, ask them first.",
                said, Transient: false), source.Id, name);
        }

        if (await clients.ResolveAsync(signIn.Provider, cancellationToken) is not { } client)
        {
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.NotConfigured, OAuthErrors.NotConfigured(signIn.Provider), source.Id, name);
        }

        OAuthTokens tokens;
        try
        {
            tokens = await endpoint.RedeemCodeAsync(client, code, protector.Unprotect(signIn.EncryptedCodeVerifier), signIn.RedirectUri, cancellationToken);
        }
        catch (OAuthTokenException failure)
        {
            OAuthLog.TokenRequestFailed(logger, source.Id, provider.Id, failure.Error, failure.StatusCode, failure.Transient);
            return failure.Transient
                ? OAuthCallbackResult.Failed(OAuthCallbackOutcome.ProviderUnavailable, new ClassifiedError(ErrorCodes.OAuthProviderUnavailable,
                    $"{provider.Name}'s sign-in service could not be reached to finish the sign-in.",
                    "Wait a moment, then go back to Vault's dashboard and press Sign in again.", failure.ProviderWords, Transient: true), source.Id, name)
                : OAuthCallbackResult.Failed(OAuthCallbackOutcome.CodeRefused, failure.Error is "invalid_client" or "unauthorized_client"
                    ? OAuthErrors.FromTokenEndpoint(failure, signIn.Provider)
                    : new ClassifiedError(ErrorCodes.OAuthConsentRequired,
                        $"{provider.Name} refused the sign-in code Vault received.",
                        "Go back to Vault's dashboard and press Sign in again. A code works once and for a few minutes only.",
                        failure.ProviderWords, Transient: false), source.Id, name);
        }

        if (string.IsNullOrEmpty(tokens.RefreshToken))
        {
            var noRefresh = OAuthErrors.NoRefreshToken(signIn.Provider);
            await lifecycle.WaitForPersonAsync(source.Id, noRefresh, cancellationToken);
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.Incomplete, noRefresh, source.Id, name);
        }

        if (tokens.Scopes is { } granted && MissingScopes(client.Scopes, granted) is { Count: > 0 } missing)
        {
            var scopeMissing = OAuthErrors.ScopeMissing(signIn.Provider, missing);
            await lifecycle.WaitForPersonAsync(source.Id, scopeMissing, cancellationToken);
            return OAuthCallbackResult.Failed(OAuthCallbackOutcome.Incomplete, scopeMissing, source.Id, name);
        }

        var grant = new OAuthGrant
        {
            SourceId = source.Id,
            Provider = signIn.Provider,
            EncryptedRefreshToken = protector.Protect(tokens.RefreshToken),
            Scopes = tokens.Scopes ?? client.Scopes,
            GrantedAt = now,
        };
        await store.SaveOAuthGrantAsync(grant, cancellationToken);
        accessTokens.Remember(grant, tokens);
        OAuthLog.SignedIn(logger, source.Id, provider.Id, grant.Scopes);
        await lifecycle.SignedInAsync(source.Id, cancellationToken);
        return new OAuthCallbackResult(OAuthCallbackOutcome.Connected, source.Id, name, null);
    }

    /// <summary>
    /// The mail scopes asked for that the provider did not grant (Google lets a person untick a scope on its consent
    /// screen). Compared without case, and a granted scope may name the same permission without its resource prefix.
    /// </summary>
    private static List<string> MissingScopes(IEnumerable<string> requested, IReadOnlyList<string> granted) =>
        OAuthProviderProfiles.MailScopes(requested)
            .Where(scope => !granted.Any(g => string.Equals(g, scope, StringComparison.OrdinalIgnoreCase) ||
                                               scope.EndsWith("/" + g, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    private static ClassifiedError Refusal(string message, string hint) =>
        new(ErrorCodes.OAuthConsentRequired, message, hint, null, Transient: false);

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>256 random bits, base64url: a state, or a PKCE verifier (43 characters, within RFC 7636 §4.1's 43-128).</summary>
    private static string RandomToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).</summary>
    public static string Challenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    public static string Hash(string state) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
