namespace Vault.Archive.Folders;

/// <summary>
/// The checkpoint of one folder of one source (ARCHITECTURE.md, "Sync engine").
/// Every UID at or below <see cref="Watermark"/> is archived or on the <see cref="RetryList"/>.
/// <see cref="Folder"/> is the display name: decoded, '/' separated, relative to the personal namespace.
/// </summary>
public sealed record FolderSyncState
{
    public required string SourceId { get; init; }
    public required string Folder { get; init; }
    public long UidValidity { get; init; }
    public long Watermark { get; init; }
    public ulong HighestModSeq { get; init; }

    /// <summary>UIDNEXT as last seen; with UIDVALIDITY, MESSAGES and HIGHESTMODSEQ it lets a no-op pass skip the folder.</summary>
    public long UidNext { get; init; }
    public long MessagesOnServer { get; init; }
    public IReadOnlyList<RetryEntry> RetryList { get; init; } = [];

    /// <summary>True once the folder's first import reached the UIDNEXT it started with.</summary>
    public bool ImportDone { get; init; }

    /// <summary>Set when the folder disappeared from the server; its mail stays archived.</summary>
    public DateTimeOffset? GoneAt { get; init; }
}
