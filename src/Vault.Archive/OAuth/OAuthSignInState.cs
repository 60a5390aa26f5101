namespace Vault.Archive.OAuth;

/// <summary>
/// One sign-in started for a source and not yet come back: the OAuth <c>state</c> (kept as its SHA-256, never itself),
/// the PKCE code verifier (Data Protection ciphertext) and the redirect URI the code must be redeemed with. It is good
/// for one callback (<see cref="UsedAt"/>) until <see cref="ExpiresAt"/>.
/// </summary>
public sealed record OAuthSignInState
{
    /// <summary>Lowercase hex SHA-256 of the state sent to the provider.</summary>
    public required string StateHash { get; init; }

    public required string SourceId { get; init; }

    public required OAuthProvider Provider { get; init; }

    public required byte[] EncryptedCodeVerifier { get; init; }

    public required string RedirectUri { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; init; }
}
