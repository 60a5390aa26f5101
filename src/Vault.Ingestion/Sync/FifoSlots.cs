namespace Vault.Ingestion.Sync;

/// <summary>
/// A counted semaphore that serves its waiters first come, first served (SemaphoreSlim promises no order): a released
/// slot passes straight to the longest waiter. What a slot stands for is the owner's: a running import
/// (<see cref="ImportSlots"/>), a connection to a connector's server (<see cref="Connectors.ConnectorBudget"/>).
/// </summary>
internal sealed class FifoSlots(int capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _taken;

    public int Capacity { get; } = capacity;

    /// <summary>Slots held now.</summary>
    public int Taken
    {
        get
        {
            lock (_lock)
            {
                return _taken;
            }
        }
    }

    /// <summary>A slot at once, or false when every slot is taken (or others already wait for one).</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (_taken >= Capacity || _waiting.Count > 0)
            {
                return false;
            }

            _taken++;
            return true;
        }
    }

    /// <summary>Waits for a slot, behind everyone who asked before; a cancelled wait leaves the queue and holds nothing.</summary>
    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_taken < Capacity && _waiting.Count == 0)
            {
                _taken++;
                return;
            }

            node = _waiting.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null)
                {
                    // Already handed a slot: the waiter owns it now.
                    return;
                }

                _waiting.Remove(node);
            }

            node.Value.TrySetCanceled(cancellationToken);
        });
        await node.Value.Task;
    }

    public void Release()
    {
        TaskCompletionSource? next;
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

        if (!next.TrySetResult())
        {
            Release();
        }
    }
}
