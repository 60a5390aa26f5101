using Vault.Archive.OAuth;

namespace Vault.Ingestion.OAuth;

/// <summary>Google and Microsoft, as the contract names them (<c>google</c>, <c>microsoft</c>).</summary>
public static class OAuthProviderProfiles
{
    /// <summary>
    /// Google hands out a refresh token only with <c>access_type=offline</c>, and only at the first consent unless
    /// <c>prompt=consent</c> asks again, which a reconnect needs (oauth2-imap.md §1).
    /// </summary>
    public static OAuthProviderProfile Google { get; } = new(
        OAuthProvider.Google, "google", "Google",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        ["https://mail.google.com/"],
        [new("access_type", "offline"), new("prompt", "consent")],
        null,
        new Uri("https://console.cloud.google.com/apis/credentials"),
        "In Google Cloud Console create a project, enable the Gmail API, set up the OAuth consent screen (Internal for a Workspace organisation; External must be published to Production, since Testing makes refresh tokens expire after 7 days), add the scope https://mail.google.com/, then create an OAuth client ID of type Web application with the redirect URI below.");

    /// <summary>Microsoft gives a refresh token for the <c>offline_access</c> scope; nothing else is needed (oauth2-imap.md §2).</summary>
    public static OAuthProviderProfile Microsoft { get; } = new(
        OAuthProvider.Microsoft, "microsoft", "Microsoft",
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        ["https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"],
        [],
        "common",
        new Uri("https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade"),
        "In Microsoft Entra admin center open App registrations > New registration, choose who may sign in (this organisation only, any organisation, or also personal Microsoft accounts), add a Web redirect URI (below), create a client secret under Certificates & secrets, and under API permissions add the delegated Microsoft Graph permissions IMAP.AccessAsUser.All and offline_access; grant admin consent if your tenant blocks user consent.");

    public static IReadOnlyList<OAuthProviderProfile> All { get; } = [Google, Microsoft];

    public static OAuthProviderProfile For(OAuthProvider provider) => provider == OAuthProvider.Google ? Google : Microsoft;

    /// <summary>"google" or "microsoft" (any case); null for anything else.</summary>
    public static OAuthProviderProfile? Find(string? id) =>
        id is null ? null : All.FirstOrDefault(profile => string.Equals(profile.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The provider a mail preset implies: <c>gmail</c> is Google, <c>outlook</c> is Microsoft.</summary>
    public static OAuthProvider? ImpliedBy(string? preset) => preset?.ToLowerInvariant() switch
    {
        "gmail" => OAuthProvider.Google,
        "outlook" => OAuthProvider.Microsoft,
        _ => null,
    };

    /// <summary>The scopes that carry mail access; the others (<c>offline_access</c>, sign-in scopes) do not open a mailbox.</summary>
    public static IEnumerable<string> MailScopes(IEnumerable<string> scopes) =>
        scopes.Where(scope => scope is not ("offline_access" or "openid" or "email" or "profile"));
}
