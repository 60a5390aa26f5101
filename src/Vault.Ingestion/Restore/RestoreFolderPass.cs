using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Vault.Archive;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Restore;

/// <summary>
/// One archived folder into its target folder: the folder's messages in the store's stable order from the checkpoint
/// on, in batches bounded by count and bytes; per batch, what the target already holds is skipped
/// (<see cref="TargetFolderIndex"/>), the rest goes in one APPEND (MULTIAPPEND, RFC 3502, where offered), then the
/// checkpoint that covers the batch is saved. A crash between the APPEND and the save leaves messages on the target
/// past the checkpoint; the resumed pass finds them there and skips them.
/// </summary>
internal sealed class RestoreFolderPass(
    ISourceStore sources,
    IArchiveChangeFeed changes,
    IMessageCatalog catalog,
    IJobReportStore reports,
    RestoreOptions options,
    string temporaryDirectory,
    Func<ArchivedMessage, bool>? selected,
    TimeProvider timeProvider,
    ILogger logger)
{
    /// <summary>This many refusals in a row mean the target refuses everything (quota, rights), not one message.</summary>
    private const int RefusalsInARow = 10;

    private int _refusedInARow;

    public async Task<RestoreRecord> RunAsync(RestoreRecord restore, ImapFolder folder, TargetFolderIndex index, CancellationToken cancellationToken)
    {
        var name = restore.Folders[restore.FolderIndex];
        var batch = new List<AppendableMessage>();
        long bytes = 0, position = 0, unreadable = 0;
        try
        {
            await foreach (var message in catalog.StreamMessagesAsync(restore.SourceId, name, cancellationToken))
            {
                // The checkpoint counts every message of the folder in the store's order, selected or not, so it
                // stays right when the query's matches change between runs.
                if (position++ < restore.FolderMessagesDone || (selected is not null && !selected(message)))
                {
                    continue;
                }

                if (await LoadAsync(restore, message, cancellationToken) is not { } appendable)
                {
                    unreadable++;
                    continue;
                }

                batch.Add(appendable);
                bytes += appendable.Length;
                if (batch.Count >= options.BatchMaxMessages || bytes >= options.BatchMaxBytes)
                {
                    restore = await AppendAsync(restore, folder, index, batch, position, unreadable, cancellationToken);
                    batch.ForEach(m => m.Dispose());
                    batch.Clear();
                    bytes = unreadable = 0;
                }
            }

            return position > restore.FolderMessagesDone
                ? await AppendAsync(restore, folder, index, batch, position, unreadable, cancellationToken)
                : restore;
        }
        finally
        {
            batch.ForEach(m => m.Dispose());
        }
    }

    private async Task<AppendableMessage?> LoadAsync(RestoreRecord restore, ArchivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await using var raw = await changes.OpenRawAsync(message.Id, cancellationToken);
            if (raw is not null)
            {
                return await AppendableMessage.LoadAsync(message, raw, temporaryDirectory, cancellationToken);
            }

            await ProblemAsync(restore, message, "its bytes are missing from the archive (run Verify on the source)", cancellationToken);
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or ArchiveStorageException))
        {
            // Bytes that cannot be decompressed: the message is lost to this restore, the rest is not.
            await ProblemAsync(restore, message, $"it could not be read from the archive: {exception.Message}", cancellationToken);
        }

        return null;
    }

    private async Task<RestoreRecord> AppendAsync(
        RestoreRecord restore, ImapFolder folder, TargetFolderIndex index, List<AppendableMessage> batch, long position, long unreadable, CancellationToken cancellationToken)
    {
        var present = await index.FindPresentAsync(batch, cancellationToken);
        var missing = batch.Where(m => !present.Contains(m)).ToList();
        var refused = await AppendMissingAsync(restore, folder, missing, cancellationToken);
        var restored = missing.Where(m => !refused.Contains(m)).ToList();
        restore = restore with
        {
            FolderMessagesDone = position,
            MessagesRestored = restore.MessagesRestored + restored.Count,
            MessagesSkipped = restore.MessagesSkipped + present.Count,
            MessagesNormalized = restore.MessagesNormalized + restored.Count(m => !m.Exact),
            MessagesFailed = restore.MessagesFailed + refused.Count + unreadable,
            BytesRestored = restore.BytesRestored + restored.Sum(m => m.Length),
            Error = null,
        };
        var processed = restore.MessagesRestored + restore.MessagesSkipped + restore.MessagesFailed;
        restore = restore with { MessagesTotal = Math.Max(restore.MessagesTotal, processed) };
        await reports.SaveRestoreAsync(restore, cancellationToken);
        return restore;
    }

    /// <returns>The messages the server refused.</returns>
    private async Task<HashSet<AppendableMessage>> AppendMissingAsync(RestoreRecord restore, ImapFolder folder, List<AppendableMessage> missing, CancellationToken cancellationToken)
    {
        var refused = new HashSet<AppendableMessage>();
        if (missing.Count == 0)
        {
            return refused;
        }

        try
        {
            await folder.AppendAsync(missing.Select(m => m.Request).ToList(), cancellationToken);
            _refusedInARow = 0;
            return refused;
        }
        catch (ImapCommandException) when (missing.Count > 1)
        {
            // RFC 3502 §3: a MULTIAPPEND that fails appends none of its messages; one at a time finds the one refused.
        }
        catch (ImapCommandException single)
        {
            await RefusedAsync(restore, missing[0], single, cancellationToken);
            refused.Add(missing[0]);
            return refused;
        }

        foreach (var message in missing)
        {
            try
            {
                await folder.AppendAsync(message.Request, cancellationToken);
                _refusedInARow = 0;
            }
            catch (ImapCommandException one)
            {
                await RefusedAsync(restore, message, one, cancellationToken);
                refused.Add(message);
            }
        }

        return refused;
    }

    private async Task RefusedAsync(RestoreRecord restore, AppendableMessage message, ImapCommandException refusal, CancellationToken cancellationToken)
    {
        // RFC 5530 §3: over quota, no permission, or a folder gone refuse every message alike; one is enough to know.
        if (refusal.ResponseText is { } text && (text.Contains("[OVERQUOTA]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("[NOPERM]", StringComparison.OrdinalIgnoreCase) || text.Contains("[TRYCREATE]", StringComparison.OrdinalIgnoreCase)))
        {
            throw new RestoreRefusedException($"The target server refused to store messages in {restore.Folders[restore.FolderIndex]}.", refusal);
        }

        if (++_refusedInARow >= RefusalsInARow)
        {
            throw new RestoreRefusedException($"The target server refused {RefusalsInARow} messages in a row.", refusal);
        }

        await ProblemAsync(restore, message.Stored, $"the target server refused it: {refusal.ResponseText}", cancellationToken);
    }

    private async Task ProblemAsync(RestoreRecord restore, ArchivedMessage message, string problem, CancellationToken cancellationToken)
    {
        var folder = restore.Folders[restore.FolderIndex];
        RestoreLog.MessageProblem(logger, restore.Id, message.Id, folder, problem);
        await sources.AppendEventAsync(
            new SourceEvent(restore.SourceId, timeProvider.GetUtcNow(), "restore-problem", $"Restore {restore.Id}: message {message.Id} in {folder} was not restored: {problem}"),
            cancellationToken);
    }
}
