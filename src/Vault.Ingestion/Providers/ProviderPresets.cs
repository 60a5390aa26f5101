using Vault.Archive.Sources;

namespace Vault.Ingestion.Providers;

/// <summary>The presets of <c>GET /api/providers</c>, and provider recognition from a source's settings.</summary>
public static class ProviderPresets
{
    public static ProviderPreset Gmail { get; } = new(
        "gmail", "Gmail / Google Workspace", MailProtocol.Imap, "imap.gmail.com", 993, true, true,
        "Turn on 2-Step Verification, then open Google Account > Security > App passwords, create one for Vault and paste the 16 letters as the password. Workspace admins can turn IMAP or app passwords off.",
        new Uri("https://support.google.com/accounts/answer/185833"), ["gmail.com", "googlemail.com"]);

    public static ProviderPreset Outlook { get; } = new(
        "outlook", "Outlook.com / Microsoft 365", MailProtocol.Imap, "outlook.office365.com", 993, true, false,
        "Microsoft has turned off password sign-in (Basic authentication) for IMAP on Outlook.com and most Microsoft 365 tenants; those accounts need OAuth. Microsoft 365 admins must also keep IMAP enabled for the mailbox.",
        new Uri("https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040"),
        ["office365.com", "outlook.com", "hotmail.com", "live.com"]);

    public static ProviderPreset Yahoo { get; } = new(
        "yahoo", "Yahoo Mail", MailProtocol.Imap, "imap.mail.yahoo.com", 993, true, true,
        "Open Yahoo Account Info > Account Security > Generate app password, create one for Vault and use it instead of your Yahoo password.",
        new Uri("https://help.yahoo.com/kb/SLN15241.html"), ["yahoo.com", "aol.com"]);

    public static ProviderPreset ICloud { get; } = new(
        "icloud", "iCloud Mail", MailProtocol.Imap, "imap.mail.me.com", 993, true, true,
        "Sign in at account.apple.com > Sign-In and Security > App-Specific Passwords, create one for Vault, and use your full @icloud.com address as the username.",
        new Uri("https://support.apple.com/en-us/102654"), ["mail.me.com", "icloud.com"]);

    public static ProviderPreset Fastmail { get; } = new(
        "fastmail", "Fastmail", MailProtocol.Imap, "imap.fastmail.com", 993, true, true,
        "Open Settings > Privacy & Security > Manage app passwords and access, create a new app password with IMAP access and use it here.",
        new Uri("https://www.fastmail.help/hc/en-us/articles/360058752854-App-passwords"), ["fastmail.com", "messagingengine.com"]);

    public static ProviderPreset Zoho { get; } = new(
        "zoho", "Zoho Mail", MailProtocol.Imap, "imap.zoho.com", 993, true, true,
        "Enable IMAP Access in Zoho Mail Settings > Mail Accounts; with two-factor authentication create an application-specific password in Zoho Accounts > Security > App Passwords. Use your region's host (imap.zoho.eu, imap.zoho.in, ...).",
        new Uri("https://www.zoho.com/mail/help/imap-access.html"), ["zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zohomail.com"]);

    public static ProviderPreset Gmx { get; } = new(
        "gmx", "GMX", MailProtocol.Imap, "imap.gmx.com", 993, true, false,
        "Enable POP3 & IMAP access in the GMX web mail settings (E-mail > POP3 & IMAP); until then logins fail as if the password were wrong.",
        new Uri("https://support.gmx.com/"), ["gmx.com", "gmx.net", "gmx.de", "web.de"]);

    public static ProviderPreset Yandex { get; } = new(
        "yandex", "Yandex Mail", MailProtocol.Imap, "imap.yandex.com", 993, true, true,
        "Allow access by IMAP in Yandex Mail settings > Email clients, then create an app password in Yandex ID > Security > App passwords and use it here.",
        new Uri("https://yandex.com/support/mail/mail-clients/others.html"), ["yandex.com", "yandex.ru", "ya.ru"]);

    public static ProviderPreset GenericImap { get; } = new(
        "imap", "Other IMAP server", MailProtocol.Imap, null, 993, true, false,
        "Ask your mail provider or administrator for the IMAP host, port and whether TLS is implicit (993) or STARTTLS (143).",
        null, []);

    public static ProviderPreset GenericPop3 { get; } = new(
        "pop3", "Other POP3 server", MailProtocol.Pop3, null, 995, true, false,
        "POP3 sees only the inbox. Ask your provider for the POP3 host and port (995 with TLS, 110 with STLS).",
        null, []);

    public static IReadOnlyList<ProviderPreset> All { get; } =
        [Gmail, Outlook, Yahoo, ICloud, Fastmail, Zoho, Gmx, Yandex, GenericImap, GenericPop3];

    public static ProviderPreset? Find(string? id) =>
        id is null ? null : All.FirstOrDefault(preset => string.Equals(preset.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The provider behind a source: its preset id if it has one, else recognised from the host name.</summary>
    public static ProviderPreset? Recognize(SourceSettings? settings)
    {
        if (settings is null)
        {
            return null;
        }

        if (Find(settings.Provider) is { HostSuffixes.Count: > 0 } chosen)
        {
            return chosen;
        }

        var host = settings.Host.TrimEnd('.');
        return All.FirstOrDefault(preset => preset.HostSuffixes.Any(suffix =>
            host.Equals(suffix, StringComparison.OrdinalIgnoreCase) ||
            host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase)));
    }
}
