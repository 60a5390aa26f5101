using Vault.Archive.Sources;
using Vault.Ingestion.OAuth;
using Vault.Ingestion.Providers;

namespace Vault.Api.Sources;

/// <summary>
/// A validated <see cref="SourceRequest"/> as stored settings, with ARCHITECTURE.md's defaults: a preset fills host,
/// port and TLS; TLS is on unless <c>tls: false</c>; the port defaults to 993 (995 for POP3), or 143/110 without
/// TLS; <c>tlsMode</c> defaults to STARTTLS on 143 and 110 and to implicit TLS on every other port.
/// </summary>
public static class SourceSettingsFactory
{
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    public static SourceSettings From(SourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var preset = ProviderPresets.Find(request.Provider);
        var protocol = request.Protocol switch
        {
            "pop3" => MailProtocol.Pop3,
            "imap" => MailProtocol.Imap,
            _ => preset?.Protocol ?? MailProtocol.Imap,
        };
        var presetApplies = preset is not null && preset.Protocol == protocol;
        var tls = request.Tls ?? (presetApplies ? preset!.Tls : true);
        var port = request.Port
            ?? (presetApplies && preset!.Host is not null ? preset.Port : DefaultPort(protocol, tls));
        var tlsMode = !tls
            ? TlsMode.None
            : request.TlsMode switch
            {
                "starttls" => TlsMode.StartTls,
                "implicit" => TlsMode.Implicit,
                _ => port is 143 or 110 ? TlsMode.StartTls : TlsMode.Implicit,
            };

        return new SourceSettings
        {
            Name = request.Name?.Trim() ?? string.Empty,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            Protocol = protocol,
            Host = string.IsNullOrWhiteSpace(request.Host) ? preset?.Host ?? string.Empty : MailHost.Normalize(request.Host.Trim()) ?? request.Host.Trim(),
            Port = port,
            TlsMode = tlsMode,
            AllowInsecureCertificate = request.AllowInsecureCertificate ?? false,
            Username = request.Username?.Trim() ?? string.Empty,
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim(),
            Timeout = Duration(request.Timeout) ?? DefaultTimeout,
            Provider = preset?.Id,
            IncludeFolders = request.IncludeFolders ?? [],
            ExcludeFolders = request.ExcludeFolders ?? [],
            Auth = IsOAuth(request) ? SourceAuth.OAuth2 : SourceAuth.Password,
            OAuthProvider = IsOAuth(request) ? OAuthProviderOf(request) : null,
            SyncMode = protocol == MailProtocol.Pop3 || request.SyncMode == "poll" ? SyncMode.Poll : SyncMode.Idle, // POP3 has no IDLE
            PollInterval = Duration(request.PollInterval),
            Since = request.Since is not null && SourceRequestValidator.TryParseSince(request.Since, out var since) ? since : null,
        };
    }

    public static bool IsOAuth(SourceRequest request) => string.Equals(request?.Auth, "oauth2", StringComparison.Ordinal);

    /// <summary>The provider named, else the one the preset implies (gmail: Google, outlook: Microsoft).</summary>
    public static Archive.OAuth.OAuthProvider? OAuthProviderOf(SourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return OAuthProviderProfiles.Find(request.OAuthProvider)?.Provider ?? OAuthProviderProfiles.ImpliedBy(request.Provider);
    }

    public static int DefaultPort(MailProtocol protocol, bool tls) => (protocol, tls) switch
    {
        (MailProtocol.Pop3, true) => 995,
        (MailProtocol.Pop3, false) => 110,
        (_, true) => 993,
        _ => 143,
    };

    public static TimeSpan? Duration(string? text) =>
        text is not null && SourceRequestValidator.TryParseDuration(text, out var value) ? value : null;
}
