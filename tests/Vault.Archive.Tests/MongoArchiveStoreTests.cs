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
        var store = new MongoArchiveStore(client.GetDatabase(name), Time);
        await store.InitializeAsync(Ct);
        return store;
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
