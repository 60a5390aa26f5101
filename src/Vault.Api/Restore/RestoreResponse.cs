using Vault.Archive.Jobs;
using Vault.Archive.Sources;

namespace Vault.Api.Restore;

/// <summary>
/// <c>GET /api/restores/{id}</c>: the contract's <c>status, messagesTotal, messagesRestored, messagesSkipped, error?</c>
/// and the rest of the progress. <c>error</c> reads like a source's (<c>code, message, hint, serverResponse,
/// occurredAt, nextRetryAt</c>); while Running it is the failure about to be retried. The target carries no password.
/// </summary>
public sealed record RestoreResponse(
    string Id,
    string SourceId,
    string Status,
    long MessagesTotal,
    long MessagesRestored,
    long MessagesSkipped,
    long MessagesNormalized,
    long MessagesFailed,
    long BytesRestored,
    RestoreErrorResponse? Error,
    RestoreTargetResponse Target,
    IReadOnlyList<string>? Folders,
    string? Query,
    string? CurrentFolder,
    int FoldersDone,
    int FoldersTotal,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt)
{
    public static RestoreResponse From(RestoreRecord restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var target = restore.Target;
        var foldersDone = Math.Min(restore.FolderIndex, restore.Folders.Count);
        return new(
            restore.Id,
            restore.SourceId,
            restore.Status.ToString(),
            restore.MessagesTotal,
            restore.MessagesRestored,
            restore.MessagesSkipped,
            restore.MessagesNormalized,
            restore.MessagesFailed,
            restore.BytesRestored,
            restore.Error is { } error ? new RestoreErrorResponse(error.Code, error.Message, error.Hint, error.ServerResponse, error.OccurredAt, error.NextRetryAt) : null,
            new RestoreTargetResponse(
                target.Host,
                target.Port,
                target.TlsMode != TlsMode.None,
                target.TlsMode switch { TlsMode.StartTls => "starttls", TlsMode.Implicit => "implicit", _ => null },
                target.AllowInsecureCertificate,
                target.Username,
                target.FolderPrefix,
                target.ConnectorId),
            restore.SelectedFolders,
            restore.Query,
            restore.Status == JobStatus.Running && restore.FolderIndex < restore.Folders.Count ? restore.Folders[restore.FolderIndex] : null,
            foldersDone,
            restore.Folders.Count,
            restore.CreatedAt,
            restore.FinishedAt);
    }
}
