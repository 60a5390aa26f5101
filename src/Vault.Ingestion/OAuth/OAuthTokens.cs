namespace Vault.Ingestion.OAuth;

/// <summary>
/// A successful token response (RFC 6749 §5.1). <see cref="RefreshToken"/> is null when the provider kept the old one;
/// <see cref="Scopes"/> is null when it did not say (then the scopes are those requested). Never logged:
/// <see cref="ToString"/> leaves both tokens out.
/// </summary>
public sealed record OAuthTokens(string AccessToken, string? RefreshToken, TimeSpan ExpiresIn, IReadOnlyList<string>? Scopes)
{
    public override string ToString() => $"tokens expiring in {ExpiresIn}";
}
