using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.Connectors;
using Vault.Archive.Sources;

namespace Vault.Archive.MongoDb;

/// <summary>The connectors port (<see cref="IConnectorStore"/>): the <c>connectors</c> collection and sources by <c>connectorId</c>.</summary>
public sealed partial class MongoArchiveStore
{
    public Task CreateConnectorAsync(Connector connector, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        return _connectors.InsertOneAsync(MongoDocuments.Connector(connector), cancellationToken: cancellationToken);
    }

    public async Task<Connector?> GetConnectorAsync(string connectorId, CancellationToken cancellationToken)
    {
        var document = await _connectors.Find(Filter.Eq("_id", connectorId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoDocuments.Connector(document);
    }

    public async Task<IReadOnlyList<Connector>> ListConnectorsAsync(CancellationToken cancellationToken)
    {
        var documents = await _connectors.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("createdAt").Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(MongoDocuments.Connector).ToList();
    }

    public Task UpdateConnectorAsync(string connectorId, ConnectorSettings settings, byte[]? encryptedAdminPassword, CancellationToken cancellationToken) =>
        _connectors.UpdateOneAsync(
            Filter.Eq("_id", connectorId),
            Update.Set("settings", MongoDocuments.Embed(settings))
                .Set<BsonDocument, BsonValue>("adminPassword", encryptedAdminPassword is null ? BsonNull.Value : new BsonBinaryData(encryptedAdminPassword)),
            cancellationToken: cancellationToken);

    /// <summary>Its invitations go with it: a link to a connector that no longer exists opens nothing.</summary>
    public async Task DeleteConnectorAsync(string connectorId, CancellationToken cancellationToken)
    {
        await _database.GetCollection<BsonDocument>("invitations").DeleteManyAsync(Filter.Eq("connectorId", connectorId), cancellationToken);
        await _connectors.DeleteOneAsync(Filter.Eq("_id", connectorId), cancellationToken);
    }

    public async Task CreateMailboxesAsync(IReadOnlyList<Source> mailboxes, IReadOnlyList<SourceEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        ArgumentNullException.ThrowIfNull(events);
        if (mailboxes.Count == 0)
        {
            return;
        }

        // All or none, as the embedded store: a CSV either creates every mailbox or nothing.
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        await session.WithTransactionAsync(
            async (s, ct) =>
            {
                await _sources.InsertManyAsync(s, mailboxes.Select(MongoDocuments.Source), cancellationToken: ct);
                if (events.Count > 0)
                {
                    await _events.InsertManyAsync(s, events.Select(MongoDocuments.Event), cancellationToken: ct);
                }

                return true;
            },
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<Source>> ListMailboxesAsync(string connectorId, CancellationToken cancellationToken)
    {
        var documents = await _sources.Find(Filter.Eq("connectorId", connectorId))
            .Sort(Builders<BsonDocument>.Sort.Ascending("createdAt").Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(MongoDocuments.Source).ToList();
    }
}
