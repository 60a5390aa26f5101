using Vault.Archive.OAuth;

namespace Vault.Ingestion.Credentials;

/// <summary>
/// An OAuth2 access token for <see cref="Mailbox"/>, sent by SASL XOAUTH2 (or OAUTHBEARER, RFC 7628). Made by
/// <see cref="OAuth.OAuthAccessTokens"/> from the source's grant; an admin-wide grant (a Google service account, a Microsoft
/// app-only token) would make the same credential for every mailbox of a connector.
/// </summary>
public sealed class OAuth2Credential(
    string mailbox,
    string accessToken,
    OAuthProvider provider,
    IReadOnlyList<string> grantedScopes,
    bool freshlyIssued,
    Action? rejected = null) : MailCredential
{
    public override string Mailbox { get; } = mailbox;

    public string AccessToken { get; } = accessToken;

    public OAuthProvider Provider { get; } = provider;

    /// <summary>The scopes the account consented to (empty when the provider did not say).</summary>
    public IReadOnlyList<string> GrantedScopes { get; } = grantedScopes;

    /// <summary>True when the token endpoint issued the token for this very login; false when it came from the cache.</summary>
    public bool FreshlyIssued { get; } = freshlyIssued;

    public override string Kind => "OAuth2 access token";

    /// <summary>The mail server refused the token: the next login gets a new one instead of the cached one.</summary>
    public void MarkRejected() => rejected?.Invoke();
}
