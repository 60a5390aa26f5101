using Vault.Archive.OAuth;

namespace Vault.Ingestion.OAuth;

/// <summary>
/// What Vault knows about an OAuth2 provider before anyone configures it: its endpoints (with <c>{tenant}</c> where the
/// provider has tenants), the scopes IMAP needs, what the authorize request must add to get a refresh token, and where a
/// person registers the app (oauth2-imap.md §1, §2).
/// </summary>
public sealed record OAuthProviderProfile(
    OAuthProvider Provider,
    string Id,
    string Name,
    string AuthorizeUrlTemplate,
    string TokenUrlTemplate,
    IReadOnlyList<string> DefaultScopes,
    IReadOnlyList<KeyValuePair<string, string>> AuthorizeParameters,
    string? DefaultTenant,
    Uri RegistrationUrl,
    string RegistrationSteps)
{
    /// <summary>The default URL for a tenant (<see cref="DefaultTenant"/> when none is set).</summary>
    public Uri DefaultAuthorizeUrl(string? tenant) => new(AuthorizeUrlTemplate.Replace("{tenant}", tenant ?? DefaultTenant, StringComparison.Ordinal));

    public Uri DefaultTokenUrl(string? tenant) => new(TokenUrlTemplate.Replace("{tenant}", tenant ?? DefaultTenant, StringComparison.Ordinal));

    public bool HasTenant => DefaultTenant is not null;
}
