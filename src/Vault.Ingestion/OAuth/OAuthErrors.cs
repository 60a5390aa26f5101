using Vault.Archive.OAuth;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// The errors of OAuth2 sources in words a person can act on. Token endpoint errors are told apart by their <c>error</c>
/// code, never by the description (Microsoft says descriptions change; oauth2-imap.md §2): <c>invalid_grant</c> and
/// <c>interaction_required</c> mean "consent again", a client error means the settings are wrong, and an unreachable or
/// failing endpoint is retried.
/// </summary>
public static class OAuthErrors
{
    public const string ReconnectHint = "Reconnect the account: press Reconnect (or Sign in) on this source and sign in with the mailbox's account again.";

    public static ClassifiedError NotSignedIn(OAuthProvider provider) =>
        new(ErrorCodes.OAuthConsentRequired,
            $"This mailbox is not connected yet: someone must sign in with its {OAuthProviderProfiles.For(provider).Name} account.",
            "Press Sign in (or Reconnect) on this source and sign in with the mailbox's account. Vault does not retry on its own.",
            null, Transient: false);

    public static ClassifiedError NotConfigured(OAuthProvider provider) =>
        new(ErrorCodes.OAuthNotConfigured,
            $"Vault has no {OAuthProviderProfiles.For(provider).Name} OAuth client yet.",
            $"Enter the client id and secret of Vault's app registration under OAuth settings ({OAuthProviderProfiles.For(provider).Name}), then reconnect this source.",
            null, Transient: false);

    /// <summary>A refresh (or a code redemption) refused; see the class summary for which errors mean what.</summary>
    public static ClassifiedError FromTokenEndpoint(OAuthTokenException failure, OAuthProvider provider)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var name = OAuthProviderProfiles.For(provider).Name;
        if (failure.Transient)
        {
            return new ClassifiedError(ErrorCodes.OAuthProviderUnavailable,
                $"{name}'s sign-in service could not give Vault a new access token just now.",
                "Nothing to do: Vault retries on its own. The account's consent is not the problem.",
                failure.ProviderWords, Transient: true);
        }

        return failure.Error switch
        {
            "invalid_grant" or "interaction_required" or "consent_required" or "login_required" => new ClassifiedError(ErrorCodes.OAuthConsentRequired,
                $"{name} no longer accepts this mailbox's sign-in: it was revoked, expired, or the password was changed.",
                ReconnectHint + (provider == OAuthProvider.Google
                    ? " If it keeps expiring after 7 days, the app's OAuth consent screen is in Testing: publish it (or make it Internal)."
                    : " Vault does not retry on its own."),
                failure.ProviderWords, Transient: false),
            "invalid_client" or "unauthorized_client" => new ClassifiedError(ErrorCodes.OAuthClientRejected,
                $"{name} refused Vault's app registration (client id or secret).",
                $"Check the client id and secret under OAuth settings ({name}): the secret may have expired or been replaced. Then reconnect this source.",
                failure.ProviderWords, Transient: false),
            "invalid_scope" => new ClassifiedError(ErrorCodes.OAuthScopeMissing,
                $"{name} refused the scopes Vault asks for.",
                $"Check the scopes under OAuth settings ({name}) and the API permissions of the app registration, then reconnect this source.",
                failure.ProviderWords, Transient: false),
            _ => new ClassifiedError(ErrorCodes.OAuthConsentRequired,
                $"{name} refused to give Vault a new access token ({failure.Error}).",
                ReconnectHint,
                failure.ProviderWords, Transient: false),
        };
    }

    public static ClassifiedError ScopeMissing(OAuthProvider provider, IEnumerable<string> missing) =>
        new(ErrorCodes.OAuthScopeMissing,
            $"The account signed in without giving Vault access to its mail ({string.Join(", ", missing)}).",
            provider == OAuthProvider.Google
                ? "Reconnect and, on Google's consent screen, tick the box that lets Vault read your email (\"Read, compose, send and permanently delete all your email from Gmail\")."
                : "Reconnect and accept every permission Vault asks for; if your organisation blocks user consent, an administrator must grant consent for the app (IMAP.AccessAsUser.All).",
            null, Transient: false);

    public static ClassifiedError NoRefreshToken(OAuthProvider provider) =>
        new(ErrorCodes.OAuthConsentRequired,
            $"{OAuthProviderProfiles.For(provider).Name} signed the account in but gave Vault no refresh token, so Vault could not stay connected.",
            provider == OAuthProvider.Google
                ? "Reconnect. Google gives a refresh token only with access_type=offline and prompt=consent, which Vault sends; if you changed the authorize URL, keep those parameters."
                : "Reconnect. Microsoft gives a refresh token only for the offline_access scope: keep it in the scopes under OAuth settings.",
            null, Transient: false);
}
