namespace Vault.Archive.Messages;

/// <summary>
/// Walks a source's archive for export, integrity checks and restores, a port of its own beside <see cref="IArchiveStore"/>.
/// The walks read in short pages in a stable order (each page its own read), so a walk that lasts an hour holds no
/// snapshot of the store open and sees messages archived meanwhile at its end.
/// </summary>
public interface IMessageCatalog
{
    /// <summary>Every folder with a location of the source's messages (gone ones included), by name.</summary>
    Task<IReadOnlyList<FolderCount>> ListFoldersAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Every message of the source, or of one of its folders, in the store's stable order.</summary>
    IAsyncEnumerable<ArchivedMessage> StreamMessagesAsync(string sourceId, string? folder, CancellationToken cancellationToken);
}
