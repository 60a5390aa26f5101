namespace Vault.Ingestion.Connectors;

/// <summary>
/// One connection of a connector's budget, held while the connection is open. An IDLE lease can be revoked when a
/// more recently active mailbox needs the slot: <see cref="Revoked"/> then fires and the holder goes back to polling.
/// </summary>
public sealed class ConnectionLease : IDisposable
{
    private readonly CancellationTokenSource _revoked = new();
    private ConnectorBudget? _budget;

    internal ConnectionLease(ConnectorBudget budget) => _budget = budget;

    public bool IsIdle { get; internal set; }

    internal string? SourceId { get; set; }

    internal DateTimeOffset LastActivity { get; set; }

    /// <summary>Fires when the budget takes this IDLE slot away for a more recently active mailbox.</summary>
    public CancellationToken Revoked => _revoked.Token;

    internal void Revoke() => _revoked.Cancel();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _budget, null) is { } budget)
        {
            budget.Release(this);
            _revoked.Dispose();
        }
    }
}
