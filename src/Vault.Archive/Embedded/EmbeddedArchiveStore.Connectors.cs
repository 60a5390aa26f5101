using Vault.Archive.Connectors;
using Vault.Archive.Sources;

namespace Vault.Archive.Embedded;

/// <summary>The connectors port (<see cref="IConnectorStore"/>): the <c>connectors</c> table and sources by <c>connector_id</c>.</summary>
public sealed partial class EmbeddedArchiveStore
{
    public Task CreateConnectorAsync(Connector connector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        return ExecuteWriteAsync(
            $"INSERT INTO connectors ({EmbeddedRows.ConnectorColumns}) VALUES ($id, $settings, $password, $created)",
            cancellationToken,
            ("$id", connector.Id),
            ("$settings", ArchiveJson.Serialize(connector.Settings)),
            ("$password", (object?)connector.EncryptedAdminPassword ?? DBNull.Value),
            ("$created", connector.CreatedAt.UtcTicks));
    }

    public async Task<Connector?> GetConnectorAsync(string connectorId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.ConnectorColumns} FROM connectors WHERE id = $id";
        command.Parameters.AddWithValue("$id", connectorId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? EmbeddedRows.Connector(reader) : null;
    }

    public async Task<IReadOnlyList<Connector>> ListConnectorsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.ConnectorColumns} FROM connectors ORDER BY created_at, id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var connectors = new List<Connector>();
        while (await reader.ReadAsync(cancellationToken))
        {
            connectors.Add(EmbeddedRows.Connector(reader));
        }

        return connectors;
    }

    public Task UpdateConnectorAsync(string connectorId, ConnectorSettings settings, byte[]? encryptedAdminPassword, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "UPDATE connectors SET settings = $settings, admin_password = $password WHERE id = $id",
            cancellationToken,
            ("$id", connectorId),
            ("$settings", ArchiveJson.Serialize(settings)),
            ("$password", (object?)encryptedAdminPassword ?? DBNull.Value));

    /// <summary>Its invitations go with it: a link to a connector that no longer exists opens nothing.</summary>
    public Task DeleteConnectorAsync(string connectorId, CancellationToken cancellationToken) =>
        ExecuteWriteAsync(
            "DELETE FROM invitations WHERE connector_id = $id; DELETE FROM connectors WHERE id = $id;",
            cancellationToken,
            ("$id", connectorId));

    public Task CreateMailboxesAsync(IReadOnlyList<Source> mailboxes, IReadOnlyList<SourceEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        ArgumentNullException.ThrowIfNull(events);
        return WriteAsync(async (connection, transaction) =>
        {
            foreach (var mailbox in mailboxes)
            {
                await EmbeddedRows.InsertSourceAsync(connection, transaction, mailbox, cancellationToken);
            }

            foreach (var sourceEvent in events)
            {
                await EmbeddedRows.InsertEventAsync(connection, transaction, sourceEvent, cancellationToken);
            }

            return mailboxes.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<Source>> ListMailboxesAsync(string connectorId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {EmbeddedRows.SourceColumns} FROM sources WHERE connector_id = $connector ORDER BY created_at, id";
        command.Parameters.AddWithValue("$connector", connectorId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sources = new List<Source>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sources.Add(EmbeddedRows.Source(reader));
        }

        return sources;
    }

}
