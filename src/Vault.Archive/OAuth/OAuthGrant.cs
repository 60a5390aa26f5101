namespace Vault.Archive.OAuth;

/// <summary>
/// What a person's consent left Vault for one source: the refresh token (Data Protection ciphertext) and the scopes the
/// provider granted. A provider that rotates refresh tokens hands out a new one with each refresh; it replaces this one.
/// </summary>
public sealed record OAuthGrant
{
    public required string SourceId { get; init; }

    public required OAuthProvider Provider { get; init; }

    public required byte[] EncryptedRefreshToken { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public required DateTimeOffset GrantedAt { get; init; }

    /// <summary>When the provider last handed out a new refresh token for this grant; null until it did.</summary>
    public DateTimeOffset? RotatedAt { get; init; }
}
