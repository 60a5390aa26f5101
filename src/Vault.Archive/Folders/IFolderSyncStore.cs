using Vault.Archive.Messages;

namespace Vault.Archive.Folders;

/// <summary>
/// A mailbox's sync state, folder by folder: the checkpoints (UIDVALIDITY, watermark, retries) and what the server
/// said of messages already archived (gone, new flags, a new UIDVALIDITY). The IMAP and POP3 synchronizers read and
/// write it; the messages themselves go through <see cref="IMessageStore"/>, whose batches carry their checkpoint.
/// </summary>
public interface IFolderSyncStore
{
    Task<IReadOnlyList<FolderSyncState>> ListFolderStatesAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Saves a checkpoint that no batch carries (a folder found, a UIDVALIDITY change, a retry list change).</summary>
    Task SaveFolderStateAsync(FolderSyncState state, CancellationToken cancellationToken);

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
}
