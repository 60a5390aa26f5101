namespace Vault.Search.Indexing;

/// <summary>
/// Where the sync engine hands committed messages to the indexer. Bounded: a slow indexer slows the import
/// rather than growing memory. Losing the queue (a crash) loses nothing: the store's unindexed marks are the truth.
/// </summary>
public interface IMessageIndexer
{
    ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken);
}
