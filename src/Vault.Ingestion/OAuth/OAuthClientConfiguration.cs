using Vault.Archive.OAuth;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// A provider's client as a token request needs it: defaults filled in and the secret decrypted. Lives only for the
/// request that made it; <see cref="ToString"/> leaves the secret out.
/// </summary>
public sealed record OAuthClientConfiguration(
    OAuthProviderProfile Profile,
    string ClientId,
    string? ClientSecret,
    Uri AuthorizeUrl,
    Uri TokenUrl,
    IReadOnlyList<string> Scopes)
{
    public OAuthProvider Provider => Profile.Provider;

    public override string ToString() => $"{Profile.Name} client {ClientId}";
}
