using Vault.Archive.Sources;

namespace Vault.Archive.Jobs;

/// <summary>
/// The IMAP mailbox a restore writes into. The password is not here: it is kept encrypted on <see cref="RestoreRecord"/>.
/// <see cref="Username"/> takes whatever a login accepts, so a master-user form (<c>user*admin</c>) works as it is.
/// With <see cref="ConnectorId"/> set the target is that connector's mailbox <see cref="Username"/>: the restore logs in
/// the connector's way (master user, magic password) with the connector's settings as they are when it runs; the
/// server fields here are a copy made when the restore was created, for display.
/// </summary>
public sealed record RestoreTarget
{
    public required string Host { get; init; }
    public int Port { get; init; } = 993;
    public TlsMode TlsMode { get; init; } = TlsMode.Implicit;
    public bool AllowInsecureCertificate { get; init; }
    public required string Username { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Folders are restored under this folder (<c>/</c>-separated) instead of the mailbox's root; null for none.</summary>
    public string? FolderPrefix { get; init; }

    /// <summary>The connector whose mailbox this is; null for a mailbox given by its own server and password.</summary>
    public string? ConnectorId { get; init; }
}
