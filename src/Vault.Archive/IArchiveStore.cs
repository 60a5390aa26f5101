using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Archive;

/// <summary>
/// The archive's port (ARCHITECTURE.md, "Storage"). Two stores implement it, Embedded (SQLite) and MongoDb,
/// and one contract test suite holds both to the same rules:
/// a batch and its checkpoint commit atomically; writing bytes a source already has only adds a location;
/// dedup is per source, never across sources; raw bytes come back exactly as written. What a search index reads of it
/// is a port of its own, <see cref="IArchiveChangeFeed"/>, and so are the sources and their events, <see cref="ISourceStore"/>.
/// </summary>
public interface IArchiveStore : ISourceStore, IArchiveChangeFeed
{
    /// <summary>Creates tables/collections and indexes; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<FolderSyncState>> ListFolderStatesAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Saves a checkpoint that no batch carries (a folder found, a UIDVALIDITY change, a retry list change).</summary>
    Task SaveFolderStateAsync(FolderSyncState state, CancellationToken cancellationToken);

    /// <summary>
    /// Writes every message of the batch (raw bytes compressed, addressed by SHA-256) and the checkpoint,
    /// atomically and durably before it returns. Idempotent: replaying a batch changes nothing.
    /// </summary>
    Task<BatchResult> CommitBatchAsync(MessageBatch batch, CancellationToken cancellationToken);

    Task<ArchivedMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken);

    Task<ArchivedMessage?> FindBySha256Async(string sourceId, string sha256, CancellationToken cancellationToken);

    /// <summary>Every message of a source, newest first by message date (then first seen); pages start at 1.</summary>
    Task<Page<ArchivedMessage>> ListMessagesAsync(string sourceId, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>Messages at a location of the given folder and UIDVALIDITY, for re-matching after a UIDVALIDITY change.</summary>
    IAsyncEnumerable<ArchivedMessage> ListMessagesInFolderAsync(string sourceId, string folder, CancellationToken cancellationToken);

    /// <summary>Moves locations of a folder from one UIDVALIDITY to another (matched by content), without touching the bytes.</summary>
    Task RemapLocationsAsync(string sourceId, string folder, IReadOnlyList<(string Sha256, MessageLocation NewLocation)> matches, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the messages at these locations as gone from the server; they stay archived. Returns the ids of the messages
    /// whose index document is now stale (given a new change number): the caller hands them to the indexer.
    /// </summary>
    Task<IReadOnlyList<string>> MarkDeletedOnServerAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<long> uids, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Records the server's flags of the messages at these locations. A message whose flags really changed gets a new
    /// change number (its <c>is:</c> terms are stale) and its id returned, for the caller to hand to the indexer; its bytes
    /// are not touched, so the index is brought up to date from the store, never by downloading the message again.
    /// </summary>
    Task<IReadOnlyList<string>> UpdateFlagsAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<(long Uid, IReadOnlyList<string> Flags)> changes, CancellationToken cancellationToken);

    /// <summary>A source's messages and raw bytes as stored: the truth its progress counters are recounted from.</summary>
    Task<SourceTotals> GetSourceTotalsAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Messages first archived on each UTC day since <paramref name="from"/> (days without any are absent), all sources together.</summary>
    Task<IReadOnlyList<DailyCount>> CountArchivedPerDayAsync(DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>Reads from the store and throws <see cref="ArchiveStorageException"/> when it cannot (for <c>/healthz</c>).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
