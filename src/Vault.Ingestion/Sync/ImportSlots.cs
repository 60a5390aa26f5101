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
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<Slot>> _waiting = new();
    private int _taken;

    public ImportSlots(IOptions<SyncOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.MaxConcurrentImports)
    {
    }

    public int Capacity { get; } = capacity;

    /// <summary>Imports running now.</summary>
    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _taken;
            }
        }
    }

    /// <summary>A slot at once, or null when every slot is taken (or others already wait for one).</summary>
    public Slot? TryTake()
    {
        lock (_lock)
        {
            if (_taken >= Capacity || _waiting.Count > 0)
            {
                return null;
            }

            _taken++;
            return new Slot(this);
        }
    }

    /// <summary>Waits for a slot, behind everyone who asked before.</summary>
    public async Task<Slot> TakeAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource<Slot>> node;
        lock (_lock)
        {
            if (_taken < Capacity && _waiting.Count == 0)
            {
                _taken++;
                return new Slot(this);
            }

            node = _waiting.AddLast(new TaskCompletionSource<Slot>(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null)
                {
                    return;
                }

                _waiting.Remove(node);
            }

            node.Value.TrySetCanceled(cancellationToken);
        });
        return await node.Value.Task;
    }

    private void Release()
    {
        TaskCompletionSource<Slot>? next;
        lock (_lock)
        {
            if (_waiting.First is { } first)
            {
                // The slot passes straight to the next waiter: _taken stays as it is.
                _waiting.RemoveFirst();
                next = first.Value;
            }
            else
            {
                _taken--;
                return;
            }
        }

        if (!next.TrySetResult(new Slot(this)))
        {
            Release();
        }
    }

    /// <summary>One running import; disposing it frees the slot for the next waiter (once, however often it is disposed).</summary>
    public sealed class Slot : IDisposable
    {
        private ImportSlots? _owner;

        internal Slot(ImportSlots owner) => _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release();
    }
}
