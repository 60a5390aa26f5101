using Vault.Archive.Sources;

namespace Vault.Archive.Messages;

/// <summary>
/// The archived messages: batches written atomically with their folder checkpoint, messages looked up one by one or a
/// page at a time, and the counts the dashboard shows. Their bytes and changes are read through
/// <see cref="IArchiveChangeFeed"/>, long walks over a source through <see cref="IMessageCatalog"/>.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Writes every message of the batch (raw bytes compressed, addressed by SHA-256) and the checkpoint,
    /// atomically and durably before it returns. Idempotent: replaying a batch changes nothing.
    /// </summary>
    Task<BatchResult> CommitBatchAsync(MessageBatch batch, CancellationToken cancellationToken);

    Task<ArchivedMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken);

    Task<ArchivedMessage?> FindBySha256Async(string sourceId, string sha256, CancellationToken cancellationToken);

    /// <summary>Every message of a source, newest first by message date (then first seen); pages start at 1.</summary>
    Task<Page<ArchivedMessage>> ListMessagesAsync(string sourceId, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>A source's messages and raw bytes as stored: the truth its progress counters are recounted from.</summary>
    Task<SourceTotals> GetSourceTotalsAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Messages first archived on each UTC day since <paramref name="from"/> (days without any are absent), all sources together.</summary>
    Task<IReadOnlyList<DailyCount>> CountArchivedPerDayAsync(DateTimeOffset from, CancellationToken cancellationToken);
}
