namespace Vault.Archive.Sources;

/// <param name="Waiting">
/// True while the source waits for an import slot (<c>Vault:Sync:MaxConcurrentImports</c>, or its connector's
/// <c>maxConcurrentImports</c>): it is Importing but holds no connection yet. The dashboard shows it as Queued.
/// </param>
public sealed record SyncProgress(
    long MessagesArchived,
    long MessagesOnServer,
    long BytesArchived,
    int FoldersDone,
    int FoldersTotal,
    bool Waiting = false)
{
    public static SyncProgress None { get; } = new(0, 0, 0, 0, 0);
}
