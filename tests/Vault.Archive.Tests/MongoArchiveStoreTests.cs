using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.MongoDb;
using Vault.Archive.Schema;

namespace Vault.Archive.Tests;

/// <summary>
/// The contract against a real MongoDB replica set named by <c>VAULT_TEST_MONGODB</c> (a connection string), one fresh
/// database per test. No mongod can be installed on our machines, so without it every test reports itself skipped,
/// CI included.
/// </summary>
public sealed class MongoArchiveStoreTests : ArchiveStoreContractTests
{
    private const string Variable = "VAULT_TEST_MONGODB";
    private readonly List<(IMongoClient Client, string Database)> _databases = [];
    private readonly Dictionary<IArchiveStore, IMongoDatabase> _storeDatabases = new(ReferenceEqualityComparer.Instance);

    protected override async Task<IArchiveStore> CreateStoreAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip($"{Variable} not set: MongoDB contract tests skipped");
        }

        var client = new MongoClient(connectionString);
        var name = $"vault_test_{Guid.NewGuid():N}";
        _databases.Add((client, name));
        var database = client.GetDatabase(name);
        var store = new MongoArchiveStore(database, Time);
        _storeDatabases.Add(store, database);
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override int LatestSchemaVersion => MongoArchiveStore.SchemaVersion;

    protected override Task<int> ReadSchemaVersionAsync(IArchiveStore store) => MongoSchemaMigrator.ReadVersionAsync(Database(store), Ct);

    /// <summary>Version 0 is no version document at all, as Vault left its databases before versions.</summary>
    protected override async Task WriteSchemaVersionAsync(IArchiveStore store, int version)
    {
        var meta = Database(store).GetCollection<BsonDocument>(MongoSchemaMigrator.Collection);
        var filter = Builders<BsonDocument>.Filter.Eq("_id", MongoSchemaMigrator.DocumentId);
        if (version == 0)
        {
            await meta.DeleteOneAsync(filter, Ct);
        }
        else
        {
            await meta.ReplaceOneAsync(filter, new BsonDocument { ["_id"] = MongoSchemaMigrator.DocumentId, ["version"] = version }, new ReplaceOptions { IsUpsert = true }, Ct);
        }
    }

    protected override IArchiveStore OpenAgain(IArchiveStore store)
    {
        var again = new MongoArchiveStore(Database(store), Time);
        _storeDatabases.Add(again, Database(store));
        return again;
    }

    private IMongoDatabase Database(IArchiveStore store) => _storeDatabases[store];

    [Fact]
    public async Task Steps_after_version_1_run_once_in_order_and_the_version_only_grows()
    {
        var v1 = await NewStoreAsync();
        await v1.CommitBatchAsync(TestMessages.Batch("s", 1, 4), Ct);
        var database = Database(v1);

        var runs = new List<int>();
        var steps = MongoMigrations.All.Concat(
        [
            new SchemaMigration<IMongoDatabase>(2, "labels collection", async (db, cancellationToken) =>
            {
                runs.Add(2);
                var existing = await (await db.ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
                if (!existing.Contains("labels"))
                {
                    await db.CreateCollectionAsync("labels", cancellationToken: cancellationToken);
                }
            }),
            new SchemaMigration<IMongoDatabase>(3, "label every message 'archived'", async (db, cancellationToken) =>
            {
                // Idempotent, as every MongoDB step must be: an upsert per message.
                runs.Add(3);
                var labels = db.GetCollection<BsonDocument>("labels");
                var ids = await db.GetCollection<BsonDocument>("messages").Find(FilterDefinition<BsonDocument>.Empty)
                    .Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(cancellationToken);
                foreach (var id in ids)
                {
                    await labels.ReplaceOneAsync(
                        Builders<BsonDocument>.Filter.Eq("_id", id["_id"]),
                        new BsonDocument { ["_id"] = id["_id"], ["label"] = "archived" },
                        new ReplaceOptions { IsUpsert = true },
                        cancellationToken);
                }
            }),
        ]).ToList();

        var v3 = Track(new MongoArchiveStore(database, Time, steps, null));
        await v3.InitializeAsync(Ct);
        await Track(new MongoArchiveStore(database, Time, steps, null)).InitializeAsync(Ct);

        Assert.Equal([2, 3], runs);
        Assert.Equal(3, await MongoSchemaMigrator.ReadVersionAsync(database, Ct));
        Assert.Equal(4, await database.GetCollection<BsonDocument>("labels").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        Assert.Equal(4, await v3.CountMessagesAsync("s", Ct));

        // An instance that knows only version 1 refuses, and its refusal leaves the version where it was.
        var older = Track(new MongoArchiveStore(database, Time));
        var refused = await Assert.ThrowsAsync<ArchiveSchemaTooNewException>(() => older.InitializeAsync(Ct));
        Assert.Equal((3, 1), (refused.SchemaVersion, refused.KnownVersion));
        Assert.Equal($"MongoDB database '{database.DatabaseNamespace.DatabaseName}'", refused.Archive);
        Assert.Equal(3, await MongoSchemaMigrator.ReadVersionAsync(database, Ct));
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var (client, database) in _databases)
        {
            await client.DropDatabaseAsync(database, CancellationToken.None);
            client.Dispose();
        }

        await base.DisposeAsync();
    }
}
