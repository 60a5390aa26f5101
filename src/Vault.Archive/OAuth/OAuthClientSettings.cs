using System.Text.Json.Serialization;

namespace Vault.Archive.OAuth;

/// <summary>
/// The app Vault is registered as at one provider: its client id, its secret (Data Protection ciphertext, never shown
/// again), and what may be changed from the provider's defaults. A null URL or scope list means the provider's default,
/// so a default follows the tenant when the tenant changes.
/// </summary>
public sealed record OAuthClientSettings
{
    public required OAuthProvider Provider { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Kept in its own column, never in the settings JSON.</summary>
    [JsonIgnore]
    public byte[]? EncryptedClientSecret { get; init; }

    /// <summary>Microsoft only: <c>common</c>, <c>organizations</c>, <c>consumers</c> or a tenant id or domain; null means <c>common</c>.</summary>
    public string? Tenant { get; init; }

    public Uri? AuthorizeUrl { get; init; }

    public Uri? TokenUrl { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
