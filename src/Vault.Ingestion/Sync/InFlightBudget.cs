using Microsoft.Extensions.Options;

namespace Vault.Ingestion.Sync;

/// <summary>
/// The bytes of fetched mail this process may hold in memory at once (<c>Vault:Sync:MaxInFlightBytes</c>), shared by
/// every source: a batch reserves what it will hold before it fetches and gives it back once committed, so fifty
/// mailboxes importing at once wait their turn instead of multiplying the peak. Waiters are served first come, first
/// served (a large reservation is not starved by small ones); a reservation larger than the whole budget takes all of
/// it, so such a message is at least alone in memory.
/// </summary>
public sealed class InFlightBudget(long capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private long _inUse;

    public InFlightBudget(IOptions<SyncOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.MaxInFlightBytes)
    {
    }

    public long Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Bytes reserved now.</summary>
    public long InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Reservations waiting for bytes to free up.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> (at most <see cref="Capacity"/>) are free, behind everyone who asked before.</summary>
    public async Task<Reservation> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        var amount = Math.Clamp(bytes, 0, Capacity);
        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && _inUse + amount <= Capacity)
            {
                _inUse += amount;
                return new Reservation(this, amount);
            }

            node = _waiting.AddLast(new Waiter(amount));
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

            node.Value.Granted.TrySetCanceled(cancellationToken);
            // The head may have been what blocked the others.
            Grant();
        });
        return await node.Value.Granted.Task;
    }

    private void Release(long amount)
    {
        lock (_lock)
        {
            _inUse -= amount;
        }

        Grant();
    }

    private void Grant()
    {
        while (true)
        {
            Waiter next;
            lock (_lock)
            {
                if (_waiting.First is not { } first || _inUse + first.Value.Amount > Capacity)
                {
                    return;
                }

                _waiting.RemoveFirst();
                next = first.Value;
                _inUse += next.Amount;
            }

            if (!next.Granted.TrySetResult(new Reservation(this, next.Amount)))
            {
                // Cancelled meanwhile: its bytes go straight back.
                lock (_lock)
                {
                    _inUse -= next.Amount;
                }
            }
        }
    }

    private sealed record Waiter(long Amount)
    {
        public TaskCompletionSource<Reservation> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Bytes held; disposing gives them back (once, however often it is disposed).</summary>
    public sealed class Reservation : IDisposable
    {
        private InFlightBudget? _owner;

        internal Reservation(InFlightBudget owner, long bytes)
        {
            _owner = owner;
            Bytes = bytes;
        }

        public long Bytes { get; }

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(Bytes);
    }
}
