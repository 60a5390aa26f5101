using System.Text.Json;

namespace Vault.Api.OAuth;

/// <summary>
/// The body of <c>PUT /api/oauth/providers/{provider}</c>. <see cref="ClientSecret"/> is write-only: left out, the saved
/// one stays; an empty string removes it. A URL or scope list left out means the provider's default.
/// </summary>
public sealed record OAuthProviderRequest
{
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>Microsoft only: <c>common</c> (the default), <c>organizations</c>, <c>consumers</c>, or a tenant id or domain.</summary>
    public string? Tenant { get; init; }

    public string? AuthorizeUrl { get; init; }

    public string? TokenUrl { get; init; }

    /// <summary>Space-separated, as OAuth writes them ("https://outlook.office.com/IMAP.AccessAsUser.All offline_access"), or a JSON array.</summary>
    public JsonElement? Scopes { get; init; }
}
