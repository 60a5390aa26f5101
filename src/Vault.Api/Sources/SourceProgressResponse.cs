using Vault.Archive.Sources;

namespace Vault.Api.Sources;

public sealed record SourceProgressResponse(long MessagesArchived, long MessagesOnServer, long BytesArchived, int FoldersDone, int FoldersTotal)
{
    public static SourceProgressResponse From(SyncProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        return new(progress.MessagesArchived, progress.MessagesOnServer, progress.BytesArchived, progress.FoldersDone, progress.FoldersTotal);
    }
}
