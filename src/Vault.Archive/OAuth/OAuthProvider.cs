namespace Vault.Archive.OAuth;

/// <summary>The OAuth2 identity providers Vault signs mailboxes in with (the contract's <c>google</c> and <c>microsoft</c>).</summary>
public enum OAuthProvider
{
    /// <summary>Gmail and Google Workspace.</summary>
    Google,

    /// <summary>Microsoft 365 and Outlook.com (Microsoft identity platform v2).</summary>
    Microsoft,
}
