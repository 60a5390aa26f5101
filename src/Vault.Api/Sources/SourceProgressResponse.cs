using Vault.Archive.Sources;

namespace Vault.Api.Sources;

/// <param name="MessagesIndexed">How many archived messages are searchable: the dashboard shows "indexing n of m" until it reaches <paramref name="MessagesArchived"/>.</param>
/// <param name="Waiting">True while the source waits for an import slot (the dashboard's "Queued"); it holds no connection then.</param>
public sealed record SourceProgressResponse(
    long MessagesArchived,
    long MessagesOnServer,
    long BytesArchived,
    long MessagesIndexed,
    int FoldersDone,
    int FoldersTotal,
    bool Waiting)
{
    public static SourceProgressResponse From(SyncProgress progress, SourceStatus status, long unindexed)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new(
            progress.MessagesArchived,
            progress.MessagesOnServer,
            progress.BytesArchived,
            Math.Clamp(progress.MessagesArchived - unindexed, 0, progress.MessagesArchived),
            progress.FoldersDone,
            progress.FoldersTotal,
            progress.Waiting && status == SourceStatus.Importing);
    }
}
