using Vault.Ingestion.Sync;

namespace Vault.Ingestion.Connectors;

/// <summary>
/// The connections a connector's mailboxes hold on their one server, together never more than
/// <see cref="MaxConnections"/>. Part of them may idle (IDLE slots); the rest are kept for imports and polls, so
/// mailboxes without an IDLE slot are polled in turn over short connections. IDLE slots go to the most recently active
/// mailboxes: one that found new mail may take the slot of the holder whose last new mail is oldest. Imports of the
/// connector take turns through <see cref="Imports"/>.
/// </summary>
public sealed class ConnectorBudget
{
    private readonly Lock _lock = new();
    private readonly FifoSlots _connections;
    private readonly List<ConnectionLease> _idle = [];

    public ConnectorBudget(int maxConnections, int maxConcurrentImports)
    {
        MaxConnections = Math.Max(1, maxConnections);
        _connections = new FifoSlots(MaxConnections);
        // At least one connection, and up to the import limit (at most half), stays free of IDLE for imports and polls.
        var reserve = Math.Max(1, Math.Min(maxConcurrentImports, MaxConnections / 2));
        IdleSlots = MaxConnections - reserve;
        Imports = new ImportSlots(Math.Max(1, maxConcurrentImports));
    }

    public int MaxConnections { get; }

    public int IdleSlots { get; }

    public ImportSlots Imports { get; }

    /// <summary>Connections held right now (for tests and the connector's summary).</summary>
    public int Open => _connections.Taken;

    /// <summary>A connection of the budget, behind everyone who asked before; holds nothing while it waits.</summary>
    public async Task<ConnectionLease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _connections.TakeAsync(cancellationToken);
        return new ConnectionLease(this);
    }

    /// <summary>
    /// Lets a held connection stay open to IDLE. Granted while IDLE slots are free; otherwise, when this mailbox had
    /// new mail more recently than the least recently active idler, that idler is asked to give its slot up (it polls
    /// from then on) and this mailbox may ask again at its next pass.
    /// </summary>
    public bool TryIdle(ConnectionLease lease, string sourceId, DateTimeOffset lastActivity)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_lock)
        {
            if (lease.IsIdle)
            {
                return true;
            }

            if (_idle.Count < IdleSlots)
            {
                lease.IsIdle = true;
                lease.SourceId = sourceId;
                lease.LastActivity = lastActivity;
                _idle.Add(lease);
                return true;
            }

            var stalest = _idle.Where(l => !l.Revoked.IsCancellationRequested).MinBy(l => l.LastActivity);
            if (stalest is not null && stalest.LastActivity < lastActivity)
            {
                stalest.Revoke();
            }

            return false;
        }
    }

    /// <summary>An idler saw new mail: it keeps its slot against mailboxes less recently active.</summary>
    public void Touch(ConnectionLease lease, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(lease);
        lock (_lock)
        {
            lease.LastActivity = at;
        }
    }

    internal void Release(ConnectionLease lease)
    {
        lock (_lock)
        {
            if (lease.IsIdle)
            {
                _idle.Remove(lease);
            }
        }

        _connections.Release();
    }
}
