using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.Schema;

namespace Vault.Archive.MongoDb;

/// <summary>
/// The MongoDB schema's history, oldest first; the database records how far it got in <c>meta</c>
/// (<c>{ _id: "schema", version: N }</c>). Version 1 is what Vault created before versions existed: collections and
/// indexes, created only where missing, so it both sets up a new database and stamps one written before versions.
/// MongoDB cannot wrap index builds in a transaction, and several Vault instances may start together on one replica set,
/// so every step must be idempotent (create if missing, update with a filter that skips what is done). Never edit a
/// step that has shipped; add the next one.
/// </summary>
internal static class MongoMigrations
{
    public static IReadOnlyList<SchemaMigration<IMongoDatabase>> All { get; } =
    [
        new(1, "sources, events, folder states, messages, raw bytes, key ring and their indexes", CreateVersion1Async),
        new(2, "connectors, sources as their mailboxes, messages by day archived", CreateVersion2Async),
        new(3, "job reports (integrity checks, restores) and messages by source in id order", CreateVersion3Async),
        new(4, "POP3 UIDLs and the UIDs Vault gave them", CreateVersion4Async),
        new(5, "self-service invitations, found by the hash of their token", CreateVersion5Async),
        // Version 6 was kept for the restore branch, which merged needing no schema change (restores are job reports,
        // version 3): it changes nothing, and keeps OAuth2 at the version other branches were told.
        new(6, "nothing: kept for restores, which needed no schema change", (_, _) => Task.CompletedTask),
        new(7, "OAuth2: client settings per provider, sign-ins in flight by the hash of their state, grants per source", CreateVersion7Async),
        new(8, "the archive change sequence replaces the per-message indexed mark", CreateVersion8Async),
    ];

    /// <summary>Creates the collections that do not exist yet; one another Vault instance creates meanwhile is left as it is.</summary>
    private static async Task CreateCollectionsAsync(IMongoDatabase database, string[] names, CancellationToken cancellationToken)
    {
        var existing = await (await database.ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        foreach (var name in names.Except(existing))
        {
            try
            {
                await database.CreateCollectionAsync(name, cancellationToken: cancellationToken);
            }
            catch (MongoCommandException e) when (e.CodeName == "NamespaceExists")
            {
                // Another Vault instance on the same replica set created it first.
            }
        }
    }

    private static async Task CreateVersion3Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await CreateCollectionsAsync(database, ["jobReports"], cancellationToken);

        var keys = Builders<BsonDocument>.IndexKeys;
        await database.GetCollection<BsonDocument>("jobReports").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("kind").Ascending("updatedAt"), new CreateIndexOptions { Name = "kind_updated" }),
            cancellationToken: cancellationToken);
        // The catalog's walks page through a source's messages by _id.
        await database.GetCollection<BsonDocument>("messages").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId").Ascending("_id"), new CreateIndexOptions { Name = "source_id" }),
            cancellationToken: cancellationToken);
    }

    private static async Task CreateVersion2Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await CreateCollectionsAsync(database, ["connectors"], cancellationToken);

        // Sources written before connectors have no connectorId: a sparse index skips them.
        await database.GetCollection<BsonDocument>("sources").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending("connectorId").Ascending("createdAt"),
                new CreateIndexOptions { Name = "connector_mailboxes", Sparse = true }),
            cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>("messages").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("firstSeen"), new CreateIndexOptions { Name = "first_seen" }),
            cancellationToken: cancellationToken);
    }

    private static async Task CreateVersion1Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        // Collections are created up front: a transaction cannot create one on servers before 4.4.
        await CreateCollectionsAsync(database, ["sources", "events", "folderStates", "messages", "raw", "dataProtectionKeys"], cancellationToken);

        var keys = Builders<BsonDocument>.IndexKeys;
        await database.GetCollection<BsonDocument>("messages").Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId").Ascending("sha256"), new CreateIndexOptions { Unique = true, Name = "source_sha256" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId").Descending("sortDate").Descending("firstSeen").Descending("_id"), new CreateIndexOptions { Name = "source_newest" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("sourceId").Ascending("locations.folder").Ascending("locations.uidValidity").Ascending("locations.uid"),
                new CreateIndexOptions { Name = "source_location" }),
            new CreateIndexModel<BsonDocument>(
                keys.Ascending("firstSeen").Ascending("_id"),
                new CreateIndexOptions<BsonDocument> { Name = "unindexed", PartialFilterExpression = Builders<BsonDocument>.Filter.Eq("indexed", false) }),
        ], cancellationToken);
        await database.GetCollection<BsonDocument>("folderStates").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId").Ascending("folder"), new CreateIndexOptions { Unique = true, Name = "source_folder" }),
            cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>("events").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId").Descending("_id"), new CreateIndexOptions { Name = "source_recent" }),
            cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>("raw").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(keys.Ascending("sourceId"), new CreateIndexOptions { Name = "source" }),
            cancellationToken: cancellationToken);
    }

    private static async Task CreateVersion4Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.GetCollection<BsonDocument>("pop3Uidls").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending("sourceId").Ascending("uidl"),
                new CreateIndexOptions { Unique = true, Name = "source_uidl" }),
            cancellationToken: cancellationToken);
    }

    private static async Task CreateVersion5Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await CreateCollectionsAsync(database, ["invitations"], cancellationToken);

        var keys = Builders<BsonDocument>.IndexKeys;
        await database.GetCollection<BsonDocument>("invitations").Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(keys.Ascending("tokenHash"), new CreateIndexOptions { Unique = true, Name = "token_hash" }),
            new CreateIndexModel<BsonDocument>(keys.Ascending("connectorId").Ascending("createdAt"), new CreateIndexOptions { Name = "connector_created" }),
        ], cancellationToken);
    }

    private static async Task CreateVersion7Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await CreateCollectionsAsync(database, ["oauthClients", "oauthStates", "oauthGrants"], cancellationToken);

        // Clients and grants are found by _id (provider, source id); states by _id (the state's hash) and purged by expiry.
        await database.GetCollection<BsonDocument>("oauthStates").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("expiresAt"), new CreateIndexOptions { Name = "expires_at" }),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Numbers every message without one (in first-seen order), continuing the counter, then indexes the numbers.
    /// Idempotent: a message numbered by a run that was interrupted keeps its number.
    /// </summary>
    private static async Task CreateVersion8Async(IMongoDatabase database, CancellationToken cancellationToken)
    {
        var messages = database.GetCollection<BsonDocument>("messages");
        var meta = database.GetCollection<BsonDocument>(MongoSchemaMigrator.Collection);
        var filter = Builders<BsonDocument>.Filter;
        using (var cursor = await messages.Find(filter.Exists("changeSeq", false))
            .Sort(Builders<BsonDocument>.Sort.Ascending("firstSeen").Ascending("_id"))
            .Project(Builders<BsonDocument>.Projection.Include("_id"))
            .ToCursorAsync(cancellationToken))
        {
            while (await cursor.MoveNextAsync(cancellationToken))
            {
                var ids = cursor.Current.Select(d => d["_id"]).ToList();
                if (ids.Count == 0)
                {
                    continue;
                }

                var counter = await meta.FindOneAndUpdateAsync(
                    filter.Eq("_id", "changes"),
                    Builders<BsonDocument>.Update.Inc("value", (long)ids.Count),
                    new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                    cancellationToken);
                var next = counter["value"].ToInt64() - ids.Count + 1;
                await messages.BulkWriteAsync(
                    ids.Select(id => new UpdateOneModel<BsonDocument>(
                        filter.Eq("_id", id) & filter.Exists("changeSeq", false),
                        Builders<BsonDocument>.Update.Set("changeSeq", next++).Unset("indexed"))),
                    cancellationToken: cancellationToken);
            }
        }

        await messages.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("changeSeq").Ascending("sourceId"), new CreateIndexOptions { Name = "change_source" }),
            cancellationToken: cancellationToken);
        try
        {
            await messages.Indexes.DropOneAsync("unindexed", cancellationToken);
        }
        catch (MongoCommandException e) when (e.CodeName == "IndexNotFound")
        {
            // Dropped by another Vault instance, or never created.
        }
    }
}
