using System.Threading.Channels;

namespace Vault.Search.Indexing;

/// <summary>
/// The bounded queue between the sync engine (or the reindex endpoint) and <see cref="IndexingWorker"/>.
/// A full queue makes the producer wait, so a slow indexer slows the import instead of growing memory.
/// </summary>
public sealed class MessageIndexer(ReindexProgress progress) : IMessageIndexer
{
    private readonly Channel<IndexWork> _queue = Channel.CreateBounded<IndexWork>(new BoundedChannelOptions(64)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    internal ChannelReader<IndexWork> Reader => _queue.Reader;

    public ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        return messageIds.Count == 0 ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(new IndexWork(messageIds, false), cancellationToken);
    }

    /// <summary>Queues a full rebuild unless one is already running; either way the caller can follow <see cref="ReindexProgress"/>.</summary>
    public async Task<ReindexStatus> RequestReindexAsync(CancellationToken cancellationToken)
    {
        if (progress.TryStart())
        {
            await _queue.Writer.WriteAsync(new IndexWork([], true), cancellationToken);
        }

        return progress.Current;
    }
}
