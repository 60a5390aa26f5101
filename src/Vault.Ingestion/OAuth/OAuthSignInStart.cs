namespace Vault.Ingestion.OAuth;

/// <summary>A sign-in started: where to send the person, and until when the way back is open.</summary>
public sealed record OAuthSignInStart(Uri AuthorizeUrl, DateTimeOffset ExpiresAt);
