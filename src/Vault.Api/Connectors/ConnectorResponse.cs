using Vault.Archive.Connectors;
using Vault.Archive.Sources;
using Vault.Ingestion.Connectors;

namespace Vault.Api.Connectors;

/// <summary>A connector as the contract shows it, with its mailboxes' <c>summary</c>; never the admin password.</summary>
public sealed record ConnectorResponse(
    string Id,
    string Name,
    string? Description,
    string Protocol,
    string Host,
    int Port,
    bool Tls,
    string? TlsMode,
    bool AllowInsecureCertificate,
    TimeSpan Timeout,
    string AuthMode,
    string? AdminUsername,
    string? MasterUserSeparator,
    IReadOnlyList<string> Domains,
    int MaxConcurrentImports,
    int MaxConnections,
    IReadOnlyList<string> IncludeFolders,
    IReadOnlyList<string> ExcludeFolders,
    DateTimeOffset? Since,
    string SyncMode,
    TimeSpan? PollInterval,
    DateTimeOffset CreatedAt,
    ConnectorSummary Summary)
{
    public static ConnectorResponse From(Connector connector, IReadOnlyList<Source> mailboxes)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var settings = connector.Settings;
        return new(
            connector.Id,
            settings.Name,
            settings.Description,
            settings.Protocol == MailProtocol.Pop3 ? "pop3" : "imap",
            settings.Host,
            settings.Port,
            settings.TlsMode != Archive.Sources.TlsMode.None,
            settings.TlsMode switch
            {
                Archive.Sources.TlsMode.Implicit => "implicit",
                Archive.Sources.TlsMode.StartTls => "starttls",
                _ => null,
            },
            settings.AllowInsecureCertificate,
            settings.Timeout,
            ConnectorSettingsFactory.AuthModeName(settings.AuthMode),
            settings.AdminUsername,
            settings.MasterUserSeparator,
            settings.Domains,
            settings.MaxConcurrentImports,
            settings.MaxConnections,
            settings.IncludeFolders,
            settings.ExcludeFolders,
            settings.Since,
            settings.SyncMode == Archive.Sources.SyncMode.Poll ? "poll" : "idle",
            settings.PollInterval,
            connector.CreatedAt,
            ConnectorLifecycle.Summarize(mailboxes));
    }
}
