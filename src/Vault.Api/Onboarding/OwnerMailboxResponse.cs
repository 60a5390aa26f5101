using Vault.Archive.Sources;

namespace Vault.Api.Onboarding;

/// <summary>
/// All a link shows of the mailbox it created: its status and progress, and an error in the owner's words. No
/// folders, no messages, no server response.
/// </summary>
public sealed record OwnerMailboxResponse(
    string Username,
    string Status,
    bool Waiting,
    long MessagesArchived,
    long MessagesOnServer,
    int FoldersDone,
    int FoldersTotal,
    DateTimeOffset? LastSyncAt,
    string? ErrorMessage,
    string? ErrorHint)
{
    public static OwnerMailboxResponse From(Source source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var progress = source.Progress;
        return new(
            source.Settings.Username,
            source.Status.ToString(),
            source.Status == SourceStatus.Importing && progress.Waiting,
            progress.MessagesArchived,
            progress.MessagesOnServer,
            progress.FoldersDone,
            progress.FoldersTotal,
            source.LastSyncAt,
            source.Error?.Message,
            OwnerHints.For(source.Error));
    }
}
