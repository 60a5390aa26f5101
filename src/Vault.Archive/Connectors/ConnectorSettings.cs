using Vault.Archive.Sources;

namespace Vault.Archive.Connectors;

/// <summary>
/// One mail server and the way to log in to its mailboxes, plus the "global settings" every mailbox inherits (folder
/// filters, <see cref="Since"/>, sync mode). The admin password is not here: it is kept encrypted on <see cref="Connector"/>.
/// </summary>
public sealed record ConnectorSettings
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public MailProtocol Protocol { get; init; } = MailProtocol.Imap;
    public required string Host { get; init; }
    public int Port { get; init; } = 993;
    public TlsMode TlsMode { get; init; } = TlsMode.Implicit;
    public bool AllowInsecureCertificate { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public ConnectorAuthMode AuthMode { get; init; } = ConnectorAuthMode.MasterUser;

    /// <summary>The master (admin) user; empty for <see cref="ConnectorAuthMode.MagicPassword"/> and <see cref="ConnectorAuthMode.PerUser"/>.</summary>
    public string? AdminUsername { get; init; }

    /// <summary>Dovecot's <c>auth_master_user_separator</c> (often <c>*</c>): log in as <c>user*admin</c>; null means SASL PLAIN authzid.</summary>
    public string? MasterUserSeparator { get; init; }

    /// <summary>Mail domains served by this server, for guessing a mailbox's address (self-service links).</summary>
    public IReadOnlyList<string> Domains { get; init; } = [];

    /// <summary>Bulk imports of this connector's mailboxes that run at once; the others wait (<c>progress.waiting</c>).</summary>
    public int MaxConcurrentImports { get; init; } = 4;

    /// <summary>Connections this connector's mailboxes hold on the server at once, IDLE and polls together.</summary>
    public int MaxConnections { get; init; } = 20;

    public IReadOnlyList<string> IncludeFolders { get; init; } = [];
    public IReadOnlyList<string> ExcludeFolders { get; init; } = [];

    /// <summary>Archive only mail with INTERNALDATE on or after this instant; null archives everything.</summary>
    public DateTimeOffset? Since { get; init; }

    public SyncMode SyncMode { get; init; } = SyncMode.Idle;
    public TimeSpan? PollInterval { get; init; }

    /// <summary>A mailbox's settings: the server and the global settings of this connector, the mailbox's own user name.</summary>
    public SourceSettings ForMailbox(string username, string? email, string? displayName) => new()
    {
        Name = string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim(),
        Description = email,
        Protocol = Protocol,
        Host = Host,
        Port = Port,
        TlsMode = TlsMode,
        AllowInsecureCertificate = AllowInsecureCertificate,
        Username = username,
        Email = email,
        Timeout = Timeout,
        IncludeFolders = IncludeFolders,
        ExcludeFolders = ExcludeFolders,
        Since = Since,
        SyncMode = SyncMode,
        PollInterval = PollInterval,
    };
}
