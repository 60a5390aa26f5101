using Vault.Api.Sources;
using Vault.Archive.Connectors;
using Vault.Archive.Sources;

namespace Vault.Api.Connectors;

/// <summary>A validated <see cref="ConnectorRequest"/> as stored settings, with the same TLS and port defaults as sources.</summary>
public static class ConnectorSettingsFactory
{
    public static ConnectorSettings From(ConnectorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var protocol = request.Protocol == "pop3" ? MailProtocol.Pop3 : MailProtocol.Imap;
        var tls = request.Tls ?? true;
        var port = request.Port ?? SourceSettingsFactory.DefaultPort(protocol, tls);
        var authMode = request.AuthMode switch
        {
            "magicPassword" => ConnectorAuthMode.MagicPassword,
            "perUser" => ConnectorAuthMode.PerUser,
            _ => ConnectorAuthMode.MasterUser,
        };
        return new ConnectorSettings
        {
            Name = request.Name?.Trim() ?? string.Empty,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            Protocol = protocol,
            Host = MailHost.Normalize(request.Host?.Trim() ?? string.Empty) ?? request.Host?.Trim() ?? string.Empty,
            Port = port,
            TlsMode = !tls ? TlsMode.None : request.TlsMode switch
            {
                "starttls" => TlsMode.StartTls,
                "implicit" => TlsMode.Implicit,
                _ => port is 143 or 110 ? TlsMode.StartTls : TlsMode.Implicit,
            },
            AllowInsecureCertificate = request.AllowInsecureCertificate ?? false,
            Timeout = SourceSettingsFactory.Duration(request.Timeout) ?? SourceSettingsFactory.DefaultTimeout,
            AuthMode = authMode,
            AdminUsername = authMode == ConnectorAuthMode.MasterUser ? request.AdminUsername?.Trim() : null,
            MasterUserSeparator = authMode == ConnectorAuthMode.MasterUser && !string.IsNullOrEmpty(request.MasterUserSeparator) ? request.MasterUserSeparator : null,
            Domains = request.Domains?.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToList() ?? [],
            MaxConcurrentImports = request.MaxConcurrentImports ?? 4,
            MaxConnections = request.MaxConnections ?? 20,
            IncludeFolders = request.IncludeFolders ?? [],
            ExcludeFolders = request.ExcludeFolders ?? [],
            Since = request.Since is not null && SourceRequestValidator.TryParseSince(request.Since, out var since) ? since : null,
            SyncMode = protocol == MailProtocol.Pop3 || request.SyncMode == "poll" ? SyncMode.Poll : SyncMode.Idle, // POP3 has no IDLE
            PollInterval = SourceSettingsFactory.Duration(request.PollInterval),
        };
    }

    public static string AuthModeName(ConnectorAuthMode mode) => mode switch
    {
        ConnectorAuthMode.MagicPassword => "magicPassword",
        ConnectorAuthMode.PerUser => "perUser",
        _ => "masterUser",
    };
}
