namespace Vault.Archive.OAuth;

/// <summary>
/// OAuth2 for mailboxes: the client settings per provider, sign-ins in flight, and each source's grant. Secrets arrive
/// and leave as Data Protection ciphertext; the stores never see a token, a secret or a state in clear.
/// </summary>
public interface IOAuthStore
{
    Task<OAuthClientSettings?> GetOAuthClientAsync(OAuthProvider provider, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the provider's settings, secret included.</summary>
    Task SaveOAuthClientAsync(OAuthClientSettings client, CancellationToken cancellationToken);

    /// <summary>Records a sign-in in flight; states that expired more than a day before it was created are purged.</summary>
    Task SaveOAuthSignInAsync(OAuthSignInState signIn, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the state with this hash used at <paramref name="at"/>, atomically: of two callbacks with one state,
    /// exactly one claims it; the other is told it was already used.
    /// </summary>
    Task<OAuthSignInClaim> ClaimOAuthSignInAsync(string stateHash, DateTimeOffset at, CancellationToken cancellationToken);

    Task<OAuthGrant?> GetOAuthGrantAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the source's grant (a new consent, or a rotated refresh token).</summary>
    Task SaveOAuthGrantAsync(OAuthGrant grant, CancellationToken cancellationToken);

    Task DeleteOAuthGrantAsync(string sourceId, CancellationToken cancellationToken);
}
