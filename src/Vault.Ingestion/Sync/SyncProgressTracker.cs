using Vault.Archive;
using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>A source's progress counters, shared by the IDLE and the polling connection, written through to the store.</summary>
internal sealed class SyncProgressTracker(IArchiveStore store, TimeProvider timeProvider, string sourceId, SyncProgress initial)
{
    private readonly Lock _lock = new();
    private SyncProgress _progress = initial;

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

    public Task SetAsync(Func<SyncProgress, SyncProgress> change, CancellationToken cancellationToken)
    {
        SyncProgress next;
        lock (_lock)
        {
            next = _progress = change(_progress);
        }

        return store.UpdateSourceProgressAsync(sourceId, next, timeProvider.GetUtcNow(), cancellationToken);
    }
}
