using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Archive;

/// <summary>
/// The archive's port (ARCHITECTURE.md, "Storage"). Two stores implement it, Embedded (SQLite) and MongoDb,
/// and one contract test suite holds both to the same rules:
/// a batch and its checkpoint commit atomically; writing bytes a source already has only adds a location;
/// dedup is per source, never across sources; raw bytes come back exactly as written. What a search index reads of it
/// is a port of its own, <see cref="IArchiveChangeFeed"/>, and so are the sources and their events (<see cref="ISourceStore"/>),
/// the messages (<see cref="IMessageStore"/>) and the folders' sync state (<see cref="IFolderSyncStore"/>): a consumer
/// takes the ports it uses, and DI gives each as the one store.
/// </summary>
public interface IArchiveStore : ISourceStore, IArchiveChangeFeed, IMessageStore, IFolderSyncStore
{
    /// <summary>Creates tables/collections and indexes; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Reads from the store and throws <see cref="ArchiveStorageException"/> when it cannot (for <c>/healthz</c>).</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}
