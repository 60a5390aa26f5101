using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vault.Archive;
using Vault.Search.Attachments;

namespace Vault.Search.Indexing;

/// <summary>
/// Consumes <see cref="MessageIndexer"/>'s queue. At start it indexes whatever the store has that the index lacks
/// (the queue is lost in a crash; the store's marks are the truth), then indexes each handed-off batch, merging
/// batches that are already waiting into one commit.
/// </summary>
public sealed class IndexingWorker : BackgroundService
{
    private const int ChunkSize = 512;

    private readonly MessageIndexer _queue;
    private readonly SearchIndex _index;
    private readonly ReindexProgress _progress;
    private readonly IArchiveStore _store;
    private readonly StoreIndexer _indexer;
    private readonly ILogger<IndexingWorker> _logger;

    public IndexingWorker(
        MessageIndexer queue,
        SearchIndex index,
        ReindexProgress progress,
        IArchiveStore store,
        AttachmentTextExtraction attachmentText,
        IOptions<SearchOptions> options,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _queue = queue;
        _index = index;
        _progress = progress;
        _store = store;
        _indexer = new StoreIndexer(index, store, options.Value.AttachmentText ? attachmentText : null, loggerFactory.CreateLogger<StoreIndexer>());
        _logger = loggerFactory.CreateLogger<IndexingWorker>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _store.InitializeAsync(stoppingToken);
        if (_index.DiscardedBecause is { } damage)
        {
            SearchLog.IndexDiscarded(_logger, _index.Path, damage.Message);
        }

        if (_index.DocumentCount == 0 && await _store.CountMessagesAsync(null, stoppingToken) > 0)
        {
            // The index folder was deleted, lost or unreadable while the store still says "indexed": rebuild all of it.
            await _store.MarkAllUnindexedAsync(stoppingToken);
        }

        await RunBoundaryAsync(() => CatchUpAsync(stoppingToken), stoppingToken);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            var ids = new List<string>();
            var reindex = false;
            while (ids.Count < 4 * ChunkSize && _queue.Reader.TryRead(out var work))
            {
                ids.AddRange(work.MessageIds);
                reindex |= work.Reindex;
            }

            if (ids.Count > 0)
            {
                // Ids that fail stay unindexed in the store; the next start's catch-up retries them.
                await RunBoundaryAsync(() => _indexer.IndexAsync(ids, stoppingToken), stoppingToken);
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
            SearchLog.BatchFailed(_logger, ex);
        }
    }

    private async Task ReindexAsync(CancellationToken cancellationToken)
    {
        try
        {
            _index.DeleteAll();
            await _index.CommitAsync(cancellationToken);
            await _store.MarkAllUnindexedAsync(cancellationToken);
            _progress.SetTotal(await _store.CountMessagesAsync(null, cancellationToken));
            var count = await CatchUpAsync(cancellationToken);
            SearchLog.Reindexed(_logger, count);
        }
        finally
        {
            _progress.Finish();
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
            await foreach (var id in _store.ListUnindexedAsync(cancellationToken))
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

            var chunkFailed = await _indexer.IndexAsync(chunk, cancellationToken);
            failed.UnionWith(chunkFailed);
            count += chunk.Count - chunkFailed.Count;
            _progress.Add(chunk.Count - chunkFailed.Count);
        }

        if (count > 0)
        {
            SearchLog.CaughtUp(_logger, count);
        }

        return count;
    }
}
