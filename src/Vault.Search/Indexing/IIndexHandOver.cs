using Vault.Archive.Messages;

namespace Vault.Search.Indexing;

/// <summary>
/// How writers of the archive wake the indexer. The archive change sequence is the real queue (the indexer asks the store
/// for what changed after the last change number it has), so a wake-up is never lost work: after a crash, or when the
/// indexer lags far behind, it simply has more to read, and nothing grows in memory.
/// </summary>
public interface IIndexHandOver
{
    /// <summary>These messages have new change numbers (new flags, gone from the server, found missing from the index).</summary>
    ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken);

    /// <summary>
    /// A committed batch: wakes the indexer and hands over the bytes of its new messages still in memory, so they are
    /// indexed without being read back and decompressed from the store.
    /// </summary>
    ValueTask EnqueueAsync(MessageBatch batch, BatchResult result, CancellationToken cancellationToken);
}
