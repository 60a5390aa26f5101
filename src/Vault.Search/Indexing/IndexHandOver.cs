using System.Collections.Concurrent;
using System.Threading.Channels;
using Vault.Archive.Messages;

namespace Vault.Search.Indexing;

/// <summary>
/// Between the archive's writers (the sync engine, file imports, integrity checks, the reindex endpoint) and
/// <see cref="IndexingWorker"/>: a wake-up signal, a reindex request, and the bytes of newly committed messages handed
/// over from memory, at most <see cref="HandOffLimit"/> bytes in all. Beyond that limit (an indexer far behind) new
/// messages are not held: the worker reads them from the store when it gets to them, so memory stays flat.
/// </summary>
public sealed class IndexHandOver(ReindexProgress progress) : IIndexHandOver
{
    public const long HandOffLimit = 8L * 1024 * 1024;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly ConcurrentDictionary<string, MessageBytesHold> _handedOff = new(StringComparer.Ordinal);
    private long _handedOffBytes;
    private int _reindexRequested;
    private long _lastBatchAt = long.MinValue / 2;

    internal ChannelReader<bool> Wakeups => _wake.Reader;

    /// <summary>Wakes the indexing worker with nothing new to index (a merge ended, and may need a commit).</summary>
    internal void Wake() => _wake.Writer.TryWrite(true);

    public ValueTask EnqueueAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count > 0)
        {
            _wake.Writer.TryWrite(true);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask EnqueueAsync(MessageBatch batch, BatchResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(result);
        Interlocked.Exchange(ref _lastBatchAt, Environment.TickCount64);
        if (result.Added.Count > 0)
        {
            var added = result.Added.ToHashSet(StringComparer.Ordinal);
            foreach (var message in batch.Messages)
            {
                if (message.Content.InMemory is not { } bytes)
                {
                    continue;
                }

                var id = MessageIds.For(batch.SourceId, message.Content.Sha256);
                if (!added.Contains(id) || Interlocked.Read(ref _handedOffBytes) + bytes.Length > HandOffLimit || message.Content.Hold() is not { } hold)
                {
                    continue;
                }

                // Held: the sync engine disposes the batch's contents next, and a pooled array must outlive that.
                if (_handedOff.TryAdd(id, hold))
                {
                    Interlocked.Add(ref _handedOffBytes, bytes.Length);
                }
                else
                {
                    hold.Dispose();
                }
            }
        }

        if (result.Added.Count + result.Relocated.Count > 0)
        {
            _wake.Writer.TryWrite(true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Queues a full rebuild unless one is already running; either way the caller can follow <see cref="ReindexProgress"/>.</summary>
    public Task<ReindexStatus> RequestReindexAsync(CancellationToken cancellationToken)
    {
        if (progress.TryStart())
        {
            Interlocked.Exchange(ref _reindexRequested, 1);
            _wake.Writer.TryWrite(true);
        }

        return Task.FromResult(progress.Current);
    }

    /// <summary>True while batches are being committed (one came within the last second): an import or a sync is running.</summary>
    internal bool Importing => Environment.TickCount64 - Interlocked.Read(ref _lastBatchAt) < 1000;

    internal bool TakeReindexRequest() => Interlocked.Exchange(ref _reindexRequested, 0) == 1;

    /// <summary>
    /// The bytes handed over for a message (once), or null: then they are read from the store. The caller disposes the hold
    /// when it is done with the bytes.
    /// </summary>
    internal MessageBytesHold? TakeHandedOff(string messageId)
    {
        if (!_handedOff.TryRemove(messageId, out var hold))
        {
            return null;
        }

        Interlocked.Add(ref _handedOffBytes, -hold.Bytes.Length);
        return hold;
    }

    /// <summary>
    /// Forgets what was handed over and not taken: called when the worker has caught up, so the bytes of messages that
    /// will never be indexed from here (their source purged meanwhile) are not held.
    /// </summary>
    internal void DropHandedOff()
    {
        foreach (var id in _handedOff.Keys)
        {
            TakeHandedOff(id)?.Dispose();
        }
    }
}
