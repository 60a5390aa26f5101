using MongoDB.Bson;
using MongoDB.Driver;
using Microsoft.Extensions.Logging;
using Vault.Archive.Schema;

namespace Vault.Archive.MongoDb;

/// <summary>
/// Brings a MongoDB archive to the newest schema this Vault knows. The version lives in <c>meta</c> as
/// <c>{ _id: "schema", version: N }</c> and only ever grows (<c>$max</c>), so instances that start together and run
/// the same idempotent step both end at the same version; an instance that finds a higher version than it knows
/// refuses before it writes anything.
/// </summary>
internal sealed class MongoSchemaMigrator(IReadOnlyList<SchemaMigration<IMongoDatabase>> steps)
{
    public const string Collection = "meta";
    public const string DocumentId = "schema";

    public int Latest { get; } = SchemaMigrations.Latest(steps);

    public static string Describe(IMongoDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return $"MongoDB database '{database.DatabaseNamespace.DatabaseName}'";
    }

    /// <summary>The recorded version; 0 when there is none (a new database, or one written before versions).</summary>
    public static async Task<int> ReadVersionAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var document = await database.GetCollection<BsonDocument>(Collection)
            .Find(Builders<BsonDocument>.Filter.Eq("_id", DocumentId))
            .FirstOrDefaultAsync(cancellationToken);
        return document is not null && document.TryGetValue("version", out var version) ? version.ToInt32() : 0;
    }

    /// <exception cref="ArchiveSchemaTooNewException">The database's version is above <see cref="Latest"/>; nothing was written.</exception>
    public async Task UpgradeAsync(IMongoDatabase database, ILogger logger, CancellationToken cancellationToken)
    {
        var archive = Describe(database);
        var current = await ReadVersionAsync(database, cancellationToken);
        if (current > Latest)
        {
            throw new ArchiveSchemaTooNewException(archive, current, Latest);
        }

        var meta = database.GetCollection<BsonDocument>(Collection);
        foreach (var step in steps.Where(s => s.Version > current))
        {
            await step.ApplyAsync(database, cancellationToken);
            await meta.UpdateOneAsync(
                Builders<BsonDocument>.Filter.Eq("_id", DocumentId),
                Builders<BsonDocument>.Update.Max("version", step.Version),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            ArchiveLog.Migrated(logger, archive, step.Version - 1, step.Version, step.Description);
        }
    }
}
