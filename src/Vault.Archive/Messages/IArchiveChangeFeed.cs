namespace Vault.Archive.Messages;

/// <summary>
/// The archive as a search index follows it (ARCHITECTURE.md, "Search"): the messages changed after a checkpoint, their
/// bytes, and how far a checkpoint is behind. An index depends on this port alone, so several indexes (several instances
/// on one MongoDB) can each follow one archive without touching its sources or sync state. <see cref="IArchiveStore"/>
/// includes it; both stores implement it and the store contract tests hold them to it.
/// </summary>
public interface IArchiveChangeFeed
{
    /// <summary>
    /// The archive change sequence: up to <paramref name="limit"/> messages whose <see cref="ArchivedMessage.ChangeSequence"/>
    /// is above <paramref name="afterSequence"/>, lowest first. A message gets the next number when it is archived and again
    /// whenever what an index holds of it goes stale (a new location, new flags, gone from the server), so an index that
    /// remembers the last number it has seen catches up by asking for what came after it. Numbers are unique and only grow
    /// in commit order: nothing committed later can appear below a number already listed.
    /// </summary>
    Task<IReadOnlyList<ArchivedMessage>> ListChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The stored bytes exactly, streamed (never loaded whole); null when the message is unknown. Seekable with the
    /// message's size as its length, so MimeKit can parse it with persistent content; a seek backward re-reads from the start.
    /// </summary>
    Task<Stream?> OpenRawAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Gives these messages new change numbers, so every index following the archive indexes them again.</summary>
    Task MarkChangedAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken);

    /// <summary>Every message of one source, or of all of them with <paramref name="sourceId"/> null.</summary>
    Task<long> CountMessagesAsync(string? sourceId, CancellationToken cancellationToken);

    /// <summary>
    /// How many messages of each source changed after <paramref name="afterSequence"/>: what an index at that checkpoint
    /// lacks or has stale. Sources with none are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> CountChangesBySourceAsync(long afterSequence, CancellationToken cancellationToken);
}
