using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.Sources;
using Vault.Search.Indexing;

namespace Vault.Ingestion.Integrity;

/// <summary>
/// The integrity check of one source (ARCHITECTURE.md, "Getting mail out"): every stored message re-read and its SHA-256
/// and size recomputed against what it was stored with; every message the search index lacks queued for indexing; every
/// index entry of the source without a message removed. The report is saved as it goes (progress) and at the end.
/// A corrupted message is a finding, never a failure: the source keeps running and shows the ids.
/// </summary>
public sealed class IntegrityChecker(
    ISourceStore sources,
    IMessageStore messages,
    IArchiveChangeFeed changes,
    IMessageCatalog catalog,
    IJobReportStore reports,
    SearchIndex index,
    IIndexHandOver indexer,
    TimeProvider timeProvider,
    ILogger<IntegrityChecker> logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task<VerifyReport> RunAsync(string sourceId, CancellationToken cancellationToken)
    {
        var report = await reports.GetVerifyReportAsync(sourceId, cancellationToken) is { Status: JobStatus.Running } started
            ? started
            : new VerifyReport { SourceId = sourceId, StartedAt = timeProvider.GetUtcNow() };
        try
        {
            report = await CheckAsync(report with { Total = await changes.CountMessagesAsync(sourceId, cancellationToken) }, cancellationToken);
            // The event first: whoever sees the report Completed also sees what it found in the source's events.
            if (report.CorruptedCount > 0)
            {
                await sources.AppendEventAsync(new SourceEvent(sourceId, timeProvider.GetUtcNow(), "integrity",
                    $"Integrity check: {report.CorruptedCount} corrupted message(s): {string.Join(", ", report.Corrupted.Take(20))}"), cancellationToken);
            }

            report = report with { Status = JobStatus.Completed, FinishedAt = timeProvider.GetUtcNow() };
            await reports.SaveVerifyReportAsync(report, cancellationToken);
            IntegrityLog.Finished(logger, sourceId, report.Checked, report.CorruptedCount, report.MissingFromIndex, report.OrphanedInIndex);

            return report;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The job's boundary: the check itself failed (the store went away); the report says so.
            IntegrityLog.Failed(logger, exception, sourceId);
            report = report with { Status = JobStatus.Failed, FinishedAt = timeProvider.GetUtcNow(), Error = exception.Message };
            await reports.SaveVerifyReportAsync(report, CancellationToken.None);
            return report;
        }
    }

    /// <summary>Messages the index lacks get new change numbers, so the indexer (and every index following the archive) takes them again.</summary>
    private async Task ReindexAsync(List<string> missing, CancellationToken cancellationToken)
    {
        if (missing.Count > 0)
        {
            await changes.MarkChangedAsync(missing.ToList(), cancellationToken);
            await indexer.EnqueueAsync(missing.ToList(), cancellationToken);
        }
    }

    private async Task<VerifyReport> CheckAsync(VerifyReport report, CancellationToken cancellationToken)
    {
        var corrupted = new List<string>();
        var missing = new List<string>();
        long checkedCount = 0, ok = 0, corruptedCount = 0, missingCount = 0;
        var lastSave = timeProvider.GetTimestamp();
        await foreach (var message in catalog.StreamMessagesAsync(report.SourceId, null, cancellationToken))
        {
            checkedCount++;
            if (await ProblemAsync(message, cancellationToken) is { } problem)
            {
                corruptedCount++;
                if (corrupted.Count < VerifyReport.MaxListedIds)
                {
                    corrupted.Add(message.Id);
                }

                IntegrityLog.Corrupted(logger, report.SourceId, message.Id, problem);
            }
            else
            {
                ok++;
            }

            if (!index.Contains(message.Id))
            {
                missingCount++;
                missing.Add(message.Id);
                if (missing.Count == 256)
                {
                    await ReindexAsync(missing, cancellationToken);
                    missing.Clear();
                }
            }

            if (timeProvider.GetElapsedTime(lastSave) >= ProgressInterval)
            {
                report = report with { Checked = checkedCount, Ok = ok, Corrupted = corrupted.ToList(), CorruptedCount = corruptedCount, MissingFromIndex = missingCount };
                await reports.SaveVerifyReportAsync(report, cancellationToken);
                lastSave = timeProvider.GetTimestamp();
            }
        }

        await ReindexAsync(missing, cancellationToken);
        report = report with { Checked = checkedCount, Ok = ok, Corrupted = corrupted, CorruptedCount = corruptedCount, MissingFromIndex = missingCount };
        return report with { OrphanedInIndex = await RemoveOrphansAsync(report.SourceId, checkedCount - missingCount, cancellationToken) };
    }

    /// <summary>Null when the stored bytes read back whole with their recorded size and SHA-256; else what is wrong.</summary>
    private async Task<string?> ProblemAsync(ArchivedMessage message, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using var raw = await changes.OpenRawAsync(message.Id, cancellationToken);
            if (raw is null)
            {
                return "no stored bytes";
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            int read;
            while ((read = await raw.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }

            var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            return sha != message.Sha256 ? $"SHA-256 is {sha}, stored as {message.Sha256}"
                : length != message.Size ? $"{length} bytes, stored as {message.Size}"
                : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Bytes that cannot even be decompressed are the worst corruption of all, not a failure of the check.
            return $"unreadable: {exception.Message}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Index documents of the source whose message the store no longer has. Walked only when the index holds more
    /// documents for the source than the store has indexed messages, which is the only way such documents can exist.
    /// </summary>
    private async Task<long> RemoveOrphansAsync(string sourceId, long indexedInStore, CancellationToken cancellationToken)
    {
        if (index.CountSource(sourceId) <= indexedInStore)
        {
            return 0;
        }

        long removed = 0;
        foreach (var id in index.IdsOfSource(sourceId))
        {
            if (await messages.GetMessageAsync(id, cancellationToken) is null)
            {
                index.Delete(id);
                removed++;
            }
        }

        if (removed > 0)
        {
            await index.CommitAsync(cancellationToken);
        }

        return removed;
    }
}
