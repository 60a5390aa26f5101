namespace Vault.TestSupport.OAuth;

/// <summary>What the test authorization server handed out for one consent: the account, its scopes and every token since.</summary>
internal sealed class IssuedGrant(string user, IReadOnlyList<string> scopes)
{
    public string User { get; } = user;

    public IReadOnlyList<string> Scopes { get; } = scopes;

    /// <summary>The one refresh token that works now (rotation replaces it).</summary>
    public string RefreshToken { get; set; } = string.Empty;

    public bool Revoked { get; set; }

    public Dictionary<string, DateTimeOffset> AccessTokens { get; } = new(StringComparer.Ordinal);
}
