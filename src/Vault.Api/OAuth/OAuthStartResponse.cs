namespace Vault.Api.OAuth;

/// <summary><c>POST /api/sources/{id}/oauth/start</c>: where to send the person, and until when the sign-in may come back.</summary>
public sealed record OAuthStartResponse(string AuthorizeUrl, DateTimeOffset ExpiresAt);
