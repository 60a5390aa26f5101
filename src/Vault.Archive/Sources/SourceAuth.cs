namespace Vault.Archive.Sources;

/// <summary>How a source proves who it is to its mail server (the contract's <c>auth</c>: <c>password</c> or <c>oauth2</c>).</summary>
public enum SourceAuth
{
    /// <summary>A password or App Password, kept encrypted on the source (or the connector's way, for its mailboxes).</summary>
    Password,

    /// <summary>An OAuth2 access token from the source's grant, by SASL XOAUTH2 (OAUTHBEARER where XOAUTH2 is missing).</summary>
    OAuth2,
}
