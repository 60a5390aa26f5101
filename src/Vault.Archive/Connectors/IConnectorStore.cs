using Vault.Archive.Sources;

namespace Vault.Archive.Connectors;

/// <summary>
/// Connectors and their mailboxes, a port of its own beside <see cref="IArchiveStore"/> (both stores implement both,
/// held to one contract test suite). Mailboxes are sources; deleting a connector leaves them to the caller.
/// </summary>
public interface IConnectorStore
{
    Task CreateConnectorAsync(Connector connector, CancellationToken cancellationToken);

    Task<Connector?> GetConnectorAsync(string connectorId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Connector>> ListConnectorsAsync(CancellationToken cancellationToken);

    /// <summary>Replaces settings and the encrypted admin password.</summary>
    Task UpdateConnectorAsync(string connectorId, ConnectorSettings settings, byte[]? encryptedAdminPassword, CancellationToken cancellationToken);

    Task DeleteConnectorAsync(string connectorId, CancellationToken cancellationToken);

    /// <summary>Creates every source and its first events in one transaction (a CSV of 5,000 mailboxes is one write), or none.</summary>
    Task CreateMailboxesAsync(IReadOnlyList<Source> mailboxes, IReadOnlyList<SourceEvent> events, CancellationToken cancellationToken);

    /// <summary>The sources whose <c>ConnectorId</c> is this connector, oldest first.</summary>
    Task<IReadOnlyList<Source>> ListMailboxesAsync(string connectorId, CancellationToken cancellationToken);
}
