using System.Collections.Concurrent;
using Vault.Archive.Connectors;

namespace Vault.Ingestion.Connectors;

/// <summary>One <see cref="ConnectorBudget"/> per connector in this process, made again when its limits change.</summary>
public sealed class ConnectorBudgets
{
    private readonly ConcurrentDictionary<string, ConnectorBudget> _budgets = new(StringComparer.Ordinal);

    public ConnectorBudget For(Connector connector)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var settings = connector.Settings;
        return _budgets.AddOrUpdate(
            connector.Id,
            _ => new ConnectorBudget(settings.MaxConnections, settings.MaxConcurrentImports),
            (_, existing) => existing.MaxConnections == Math.Max(1, settings.MaxConnections) && existing.Imports.Capacity == Math.Max(1, settings.MaxConcurrentImports)
                ? existing
                : new ConnectorBudget(settings.MaxConnections, settings.MaxConcurrentImports));
    }

    /// <summary>The budget in use, if any mailbox of the connector ran in this process.</summary>
    public ConnectorBudget? Find(string connectorId) => _budgets.GetValueOrDefault(connectorId);

    public void Forget(string connectorId) => _budgets.TryRemove(connectorId, out _);
}
