namespace Vault.Archive.Sources;

public sealed record SyncProgress(
    long MessagesArchived,
    long MessagesOnServer,
    long BytesArchived,
    int FoldersDone,
    int FoldersTotal)
{
    public static SyncProgress None { get; } = new(0, 0, 0, 0, 0);
}
