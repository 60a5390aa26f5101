using Vault.Archive.Messages;

namespace Vault.Search.Indexing;

/// <summary>What searches do not see yet: each source's messages changed after the change number the index has reached.</summary>
public sealed class IndexBacklog(SearchIndex index, IArchiveChangeFeed store)
{
    /// <summary>Per source, how many archived messages are not (or not with their latest state) searchable; sources with none are absent.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountBySourceAsync(CancellationToken cancellationToken) =>
        store.CountChangesBySourceAsync(index.Sequence, cancellationToken);
}
