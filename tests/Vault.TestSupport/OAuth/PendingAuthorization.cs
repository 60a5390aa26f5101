namespace Vault.TestSupport.OAuth;

/// <summary>An authorize request on the consent page, then the code it became (with its PKCE challenge).</summary>
internal sealed record PendingAuthorization(string RedirectUri, string State, string CodeChallenge, IReadOnlyList<string> Scopes, string? LoginHint)
{
    public string? User { get; init; }

    public DateTimeOffset? CodeExpiresAt { get; init; }

    public bool Redeemed { get; set; }
}
