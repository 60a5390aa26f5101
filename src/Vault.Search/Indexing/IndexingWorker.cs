using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vault.Archive;

namespace Vault.Search.Indexing;

/// <summary>
/// Consumes <see cref="MessageIndexer"/>'s queue. At start it indexes whatever the store has that the index lacks
/// (the queue is lost in a crash; the store's marks are the truth), then indexes each handed-off batch, merging
/// batches that are already waiting into one commit.
/// </summary>
public sealed class IndexingWorker(
    MessageIndexer queue,
    StoreIndexer indexer,
    SearchIndex index,
    ReindexProgress progress,
    IArchiveStore store,
    ILogger<IndexingWorker> logger) : BackgroundService
{
    private const int ChunkSize = 512;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await store.InitializeAsync(stoppingToken);
        await RunBoundaryAsync(() => CatchUpAsync(stoppingToken), stoppingToken);
        while (await queue.Reader.WaitToReadAsync(stoppingToken))
        {
            var ids = new List<string>();
            var reindex = false;
            while (ids.Count < 4 * ChunkSize && queue.Reader.TryRead(out var work))
            {
                ids.AddRange(work.MessageIds);
                reindex |= work.Reindex;
            }

            if (ids.Count > 0)
            {
                // Ids that fail stay unindexed in the store; the next start's catch-up retries them.
                await RunBoundaryAsync(() => indexer.IndexAsync(ids, stoppingToken), stoppingToken);
            }

            if (reindex)
            {
                await RunBoundaryAsync(() => ReindexAsync(stoppingToken), stoppingToken);
            }
        }
    }

    private async Task RunBoundaryAsync(Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Loop boundary: the index is derived data, a failed batch is picked up by the next catch-up.
            SearchLog.BatchFailed(logger, ex);
        }
    }

    private async Task ReindexAsync(CancellationToken cancellationToken)
    {
        try
        {
            index.DeleteAll();
            await index.CommitAsync(cancellationToken);
            await store.MarkAllUnindexedAsync(cancellationToken);
            progress.SetTotal(await store.CountMessagesAsync(null, cancellationToken));
            var count = await CatchUpAsync(cancellationToken);
            SearchLog.Reindexed(logger, count);
        }
        finally
        {
            progress.Finish();
        }
    }

    /// <summary>Indexes chunk after chunk of what the store lists as unindexed until nothing indexable is left.</summary>
    private async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        long count = 0;
        while (true)
        {
            var chunk = new List<string>(ChunkSize);
            await foreach (var id in store.ListUnindexedAsync(cancellationToken))
            {
                if (!failed.Contains(id))
                {
                    chunk.Add(id);
                    if (chunk.Count == ChunkSize)
                    {
                        break;
                    }
                }
            }

            if (chunk.Count == 0)
            {
                break;
            }

            var chunkFailed = await indexer.IndexAsync(chunk, cancellationToken);
            failed.UnionWith(chunkFailed);
            count += chunk.Count - chunkFailed.Count;
            progress.Add(chunk.Count - chunkFailed.Count);
        }

        if (count > 0)
        {
            SearchLog.CaughtUp(logger, count);
        }

        return count;
    }
}
