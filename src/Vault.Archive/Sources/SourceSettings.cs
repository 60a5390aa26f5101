namespace Vault.Archive.Sources;

/// <summary>
/// What a person configures for a mailbox account. The password is not here: it is kept encrypted on <see cref="Source"/>,
/// and an OAuth2 source's refresh token with its grant (<see cref="OAuth.IOAuthStore"/>).
/// </summary>
public sealed record SourceSettings
{
    public required string Name { get; init; }

    /// <summary>What this mailbox is, in the words of whoever added it; null when not given.</summary>
    public string? Description { get; init; }

    public MailProtocol Protocol { get; init; } = MailProtocol.Imap;
    public required string Host { get; init; }
    public int Port { get; init; } = 993;
    public TlsMode TlsMode { get; init; } = TlsMode.Implicit;
    public bool AllowInsecureCertificate { get; init; }
    public required string Username { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public string? Provider { get; init; }

    /// <summary>Folder name patterns (<c>*</c> and <c>?</c> wildcards, <c>/</c> separated); empty means every folder.</summary>
    public IReadOnlyList<string> IncludeFolders { get; init; } = [];
    public IReadOnlyList<string> ExcludeFolders { get; init; } = [];
    /// <summary>Archive only mail with INTERNALDATE on or after this instant (IMAP SEARCH SINCE); null archives everything.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The mailbox's address when it differs from the user name (connector mailboxes, self-service links).</summary>
    public string? Email { get; init; }

    /// <summary>Password (the default; also what rows written before OAuth2 read as) or OAuth2.</summary>
    public SourceAuth Auth { get; init; } = SourceAuth.Password;

    /// <summary>Who issues the tokens of an OAuth2 source; null for password sources.</summary>
    public OAuth.OAuthProvider? OAuthProvider { get; init; }

    public SyncMode SyncMode { get; init; } = SyncMode.Idle;
    /// <summary>How often this source's folders are polled; null means <c>Vault:Sync:PollInterval</c>.</summary>
    public TimeSpan? PollInterval { get; init; }

    public bool Tls => TlsMode != TlsMode.None;
}
