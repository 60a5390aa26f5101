using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.MongoDb;

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
