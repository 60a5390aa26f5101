using Vault.Archive.OAuth;
using Vault.Archive.Sources;

namespace Vault.Ingestion.OAuth;

/// <summary>The client settings of each provider with the provider's defaults where nothing was set.</summary>
public sealed class OAuthClients(IOAuthStore store, CredentialProtector protector)
{
    /// <summary>The client to talk to the provider with; null until someone entered a client id for it.</summary>
    public async Task<OAuthClientConfiguration?> ResolveAsync(OAuthProvider provider, CancellationToken cancellationToken)
    {
        var settings = await store.GetOAuthClientAsync(provider, cancellationToken);
        return settings is null || string.IsNullOrWhiteSpace(settings.ClientId) ? null : Resolve(settings);
    }

    public OAuthClientConfiguration Resolve(OAuthClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var profile = OAuthProviderProfiles.For(settings.Provider);
        var tenant = profile.HasTenant ? settings.Tenant : null;
        return new OAuthClientConfiguration(
            profile,
            settings.ClientId,
            settings.EncryptedClientSecret is { } secret ? protector.Unprotect(secret) : null,
            settings.AuthorizeUrl ?? profile.DefaultAuthorizeUrl(tenant),
            settings.TokenUrl ?? profile.DefaultTokenUrl(tenant),
            settings.Scopes is { Count: > 0 } scopes ? scopes : profile.DefaultScopes);
    }
}
