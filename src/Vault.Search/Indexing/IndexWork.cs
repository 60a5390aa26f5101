namespace Vault.Search.Indexing;

/// <summary>One item of the indexer's queue: message ids to (re)index, or a full rebuild.</summary>
internal sealed record IndexWork(IReadOnlyList<string> MessageIds, bool Reindex);
