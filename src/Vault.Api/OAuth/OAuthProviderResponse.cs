using Vault.Archive.OAuth;
using Vault.Ingestion.OAuth;

namespace Vault.Api.OAuth;

/// <summary>
/// A provider's OAuth client as <c>GET /api/oauth/providers/{provider}</c> shows it: never the secret, only whether one is
/// saved. <see cref="AuthorizeUrl"/>, <see cref="TokenUrl"/> and <see cref="Scopes"/> are what Vault uses (the defaults
/// when nothing else was set); <see cref="RedirectUri"/> is what to register at the provider.
/// </summary>
public sealed record OAuthProviderResponse(
    string Provider,
    string Name,
    bool Configured,
    string? ClientId,
    bool ClientSecretSet,
    string? Tenant,
    string AuthorizeUrl,
    string TokenUrl,
    string Scopes,
    string DefaultAuthorizeUrl,
    string DefaultTokenUrl,
    string DefaultScopes,
    string RedirectUri,
    string RegistrationUrl,
    string RegistrationSteps,
    DateTimeOffset? UpdatedAt)
{
    public static OAuthProviderResponse From(OAuthProviderProfile profile, OAuthClientSettings? settings, Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(redirectUri);
        var tenant = profile.HasTenant ? settings?.Tenant ?? profile.DefaultTenant : null;
        var defaultAuthorize = profile.DefaultAuthorizeUrl(tenant).AbsoluteUri;
        var defaultToken = profile.DefaultTokenUrl(tenant).AbsoluteUri;
        return new OAuthProviderResponse(
            profile.Id,
            profile.Name,
            !string.IsNullOrWhiteSpace(settings?.ClientId),
            settings?.ClientId,
            settings?.EncryptedClientSecret is not null,
            tenant,
            settings?.AuthorizeUrl?.AbsoluteUri ?? defaultAuthorize,
            settings?.TokenUrl?.AbsoluteUri ?? defaultToken,
            string.Join(' ', settings?.Scopes is { Count: > 0 } scopes ? scopes : profile.DefaultScopes),
            defaultAuthorize,
            defaultToken,
            string.Join(' ', profile.DefaultScopes),
            redirectUri.AbsoluteUri,
            profile.RegistrationUrl.AbsoluteUri,
            profile.RegistrationSteps,
            settings?.UpdatedAt);
    }
}
