using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>
/// A source's progress counters, shared by the IDLE and the polling connection, written through to the store.
/// Per-batch counts are written at most every <see cref="BatchWriteInterval"/> (each write is a transaction of its
/// own); every other change, and <see cref="FlushAsync"/> at the end of a folder, writes at once.
/// The counters are for people watching: after a crash the import recounts what the store holds.
/// </summary>
public sealed class SyncProgressTracker(ISourceStore store, TimeProvider timeProvider, string sourceId, SyncProgress initial)
{
    public static readonly TimeSpan BatchWriteInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private SyncProgress _progress = initial;
    private long _lastWrite;
    private bool _unwritten;

    public SyncProgress Current
    {
        get
        {
            lock (_lock)
            {
                return _progress;
            }
        }
    }

    public Task SetAsync(Func<SyncProgress, SyncProgress> change, CancellationToken cancellationToken) =>
        ChangeAsync(change, throttled: false, cancellationToken);

    /// <summary>A committed batch's counts: written now only if the last write is older than <see cref="BatchWriteInterval"/>.</summary>
    public Task AddBatchAsync(Func<SyncProgress, SyncProgress> change, CancellationToken cancellationToken) =>
        ChangeAsync(change, throttled: true, cancellationToken);

    /// <summary>Writes counts that a throttled change left in memory only.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_unwritten)
            {
                return Task.CompletedTask;
            }
        }

        return ChangeAsync(p => p, throttled: false, cancellationToken);
    }

    private Task ChangeAsync(Func<SyncProgress, SyncProgress> change, bool throttled, CancellationToken cancellationToken)
    {
        SyncProgress next;
        lock (_lock)
        {
            next = _progress = change(_progress);
            if (throttled && _lastWrite != 0 && timeProvider.GetElapsedTime(_lastWrite) < BatchWriteInterval)
            {
                _unwritten = true;
                return Task.CompletedTask;
            }

            _unwritten = false;
            _lastWrite = timeProvider.GetTimestamp();
        }

        return store.UpdateSourceProgressAsync(sourceId, next, timeProvider.GetUtcNow(), cancellationToken);
    }
}
