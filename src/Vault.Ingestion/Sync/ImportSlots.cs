using Microsoft.Extensions.Options;

namespace Vault.Ingestion.Sync;

/// <summary>
/// How many bulk imports run at once: in this process (<c>Vault:Sync:MaxConcurrentImports</c>), and per connector
/// (its <c>maxConcurrentImports</c>). An import holds a
/// connection, a batch of bodies in memory and a share of the CPU; continuous sync of an imported source needs none
/// of this and is never limited here. Waiters are served first come, first served, and a source that waits says so
/// (<c>progress.waiting</c>) instead of sitting silent.
/// </summary>
public sealed class ImportSlots(int capacity)
{
    private readonly FifoSlots _slots = new(capacity);

    public ImportSlots(IOptions<SyncOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.MaxConcurrentImports)
    {
    }

    public int Capacity => _slots.Capacity;

    /// <summary>Imports running now.</summary>
    public int Running => _slots.Taken;

    /// <summary>A slot at once, or null when every slot is taken (or others already wait for one).</summary>
    public Slot? TryTake() => _slots.TryTake() ? new Slot(_slots) : null;

    /// <summary>Waits for a slot, behind everyone who asked before.</summary>
    public async Task<Slot> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.TakeAsync(cancellationToken);
        return new Slot(_slots);
    }

    /// <summary>One running import; disposing it frees the slot for the next waiter (once, however often it is disposed).</summary>
    public sealed class Slot : IDisposable
    {
        private FifoSlots? _owner;

        internal Slot(FifoSlots owner) => _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
