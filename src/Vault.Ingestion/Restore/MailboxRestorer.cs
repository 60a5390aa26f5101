using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Ingestion.Connections;
using Vault.Ingestion.Errors;

namespace Vault.Ingestion.Restore;

/// <summary>
/// Restores a source's archive into an IMAP mailbox (ARCHITECTURE.md, "Getting mail out"): every archived message (or
/// those of the chosen folders, or those a query matches) into each of its folders, created on the target as needed,
/// with its flags and INTERNALDATE and its stored bytes. Resumable: the record keeps the folders as they were at the
/// start and a checkpoint per folder, and a run goes on from there (<see cref="RestoreFolderPass"/>). Idempotent: a
/// message the target folder already holds (same Message-ID, same content) is skipped, so a second run of the same
/// restore appends nothing. A transient failure (a dropped connection) is retried as a source retries, up to
/// <see cref="RestoreOptions.MaxAttempts"/> in a row without progress; any other failure stops it, Failed, with the
/// error classified as a source's, and the checkpoint kept for a resume.
/// </summary>
public sealed class MailboxRestorer(
    ISourceStore sources,
    IArchiveChangeFeed changes,
    IMessageCatalog catalog,
    IJobReportStore reports,
    RestoreLogin login,
    RestoreSelection selection,
    RetryPolicy retryPolicy,
    IOptions<RestoreOptions> options,
    IOptions<ArchiveOptions> archive,
    TimeProvider timeProvider,
    ILogger<MailboxRestorer> logger)
{
    private string TemporaryDirectory => Path.Combine(archive.Value.DataDirectory, "tmp");

    /// <summary>Runs the restore if it is Running (a new one, or one a stop or crash interrupted); returns where it ended.</summary>
    public async Task<RestoreRecord?> RunAsync(string restoreId, CancellationToken cancellationToken)
    {
        var restore = await reports.GetRestoreAsync(restoreId, cancellationToken);
        if (restore is not { Status: JobStatus.Running })
        {
            return restore;
        }

        var failuresInARow = 0;
        while (true)
        {
            var before = Processed(restore);
            var (latest, error) = await AttemptAsync(restore, cancellationToken);
            restore = latest;
            if (error is null)
            {
                return restore;
            }

            failuresInARow = Processed(restore) > before ? 1 : failuresInARow + 1;
            if (!error.Transient || failuresInARow >= Math.Max(1, options.Value.MaxAttempts))
            {
                return await FailAsync(restore, error);
            }

            var delay = retryPolicy.Delay(failuresInARow);
            var now = timeProvider.GetUtcNow();
            RestoreLog.Retrying(logger, restore.Id, error.Code, delay);
            restore = restore with { Error = new JobError(error.Code, error.Message, error.Hint, error.ServerResponse, now, now + delay) };
            await reports.SaveRestoreAsync(restore, cancellationToken);
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
    }

    private static long Processed(RestoreRecord restore) => restore.MessagesRestored + restore.MessagesSkipped + restore.MessagesFailed;

    /// <summary>One connection's worth: the restore Completed, or the latest checkpoint and why the attempt stopped.</summary>
    private async Task<(RestoreRecord Restore, ClassifiedError? Error)> AttemptAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        ImapConnection? connection = null;
        try
        {
            restore = await PlanAsync(restore, cancellationToken);
            RestoreLog.Started(logger, restore.Id, restore.SourceId, restore.Target.Username, restore.Target.Host, restore.Folders.Count,
                restore.MessagesTotal, restore.FolderIndex, restore.FolderMessagesDone);
            var selected = selection.For(restore);
            connection = await login.ConnectAsync(restore, cancellationToken);
            var target = new TargetMailbox(connection.Client, restore.Target.FolderPrefix, restore.Id, logger);
            while (restore.FolderIndex < restore.Folders.Count)
            {
                restore = await RestoreFolderAsync(restore, target, selected, cancellationToken);
                restore = restore with { FolderIndex = restore.FolderIndex + 1, FolderMessagesDone = 0 };
                await reports.SaveRestoreAsync(restore, cancellationToken);
            }

            await connection.Client.DisconnectAsync(quit: true, cancellationToken);
            restore = restore with { Status = JobStatus.Completed, FinishedAt = timeProvider.GetUtcNow(), Error = null };
            await reports.SaveRestoreAsync(restore, cancellationToken);
            RestoreLog.Finished(logger, restore.Id, restore.MessagesRestored, restore.MessagesSkipped, restore.MessagesNormalized, restore.MessagesFailed);
            return (restore, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = RestoreErrors.Classify(exception, RestoreLogin.Settings(restore), connection?.Transcript, cancellationToken);
            if (error is null)
            {
                // The job's boundary: whatever else stopped the restore is its error; the checkpoint stays for a resume.
                RestoreLog.Crashed(logger, exception, restore.Id);
                error = new ClassifiedError(ErrorCodes.Unknown, $"The restore stopped unexpectedly: {exception.Message}",
                    "Resume the restore; it continues from its checkpoint. If it stops again, the service log has the details.", null, false);
            }

            // The latest checkpoint is the saved one: the next attempt or a resume goes on from there.
            return (await reports.GetRestoreAsync(restore.Id, CancellationToken.None) ?? restore, error);
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The first run fixes the folders (INBOX first) and the total; a resumed run keeps them.</summary>
    private async Task<RestoreRecord> PlanAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        if (restore.Folders.Count > 0)
        {
            return restore;
        }

        var folders = (await catalog.ListFoldersAsync(restore.SourceId, cancellationToken))
            .Where(f => restore.SelectedFolders is null || restore.SelectedFolders.Contains(f.Folder, StringComparer.Ordinal))
            .OrderBy(f => string.Equals(f.Folder, RestoreFolderPath.Inbox, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(f => f.Folder, StringComparer.Ordinal)
            .ToList();
        var selected = selection.For(restore);
        long total = 0;
        foreach (var folder in folders)
        {
            total += selected is null ? folder.Messages : await CountAsync(restore.SourceId, folder.Folder, selected, cancellationToken);
        }

        restore = restore with { Folders = folders.Select(f => f.Folder).ToList(), MessagesTotal = total };
        await reports.SaveRestoreAsync(restore, cancellationToken);
        return restore;
    }

    /// <summary>A walk of the folder's catalog entries (no message bytes) counting what the query selects.</summary>
    private async Task<long> CountAsync(string sourceId, string folder, Func<ArchivedMessage, bool> selected, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var message in catalog.StreamMessagesAsync(sourceId, folder, cancellationToken))
        {
            count += selected(message) ? 1 : 0;
        }

        return count;
    }

    private async Task<RestoreRecord> RestoreFolderAsync(RestoreRecord restore, TargetMailbox target, Func<ArchivedMessage, bool>? selected, CancellationToken cancellationToken)
    {
        var name = restore.Folders[restore.FolderIndex];
        ImapFolder folder = await target.FolderAsync(name, cancellationToken);
        var index = await TargetFolderIndex.LoadAsync(folder, cancellationToken);
        RestoreLog.FolderOpened(logger, restore.Id, folder.FullName, index.Count);
        var pass = new RestoreFolderPass(sources, changes, catalog, reports, options.Value, TemporaryDirectory, selected, timeProvider, logger);
        return await pass.RunAsync(restore, folder, index, cancellationToken);
    }

    private async Task<RestoreRecord> FailAsync(RestoreRecord restore, ClassifiedError error)
    {
        RestoreLog.Failed(logger, restore.Id, error.Code, error.Message);
        var now = timeProvider.GetUtcNow();
        restore = restore with
        {
            Status = JobStatus.Failed,
            FinishedAt = now,
            Error = new JobError(error.Code, error.Message, error.Hint, error.ServerResponse, now),
        };
        await reports.SaveRestoreAsync(restore, CancellationToken.None);
        return restore;
    }
}
