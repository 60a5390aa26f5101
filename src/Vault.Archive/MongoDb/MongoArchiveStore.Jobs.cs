using System.Runtime.CompilerServices;
using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;

namespace Vault.Archive.MongoDb;

/// <summary>
/// The job reports port (<see cref="IJobReportStore"/>: the <c>jobReports</c> collection, <c>_id</c> = kind:id, the report
/// as a JSON string as the embedded store keeps it) and the catalog port (<see cref="IMessageCatalog"/>: pages by <c>_id</c>).
/// </summary>
public sealed partial class MongoArchiveStore
{
    private const string VerifyKind = "verify";
    private const string RestoreKind = "restore";
    private const int CatalogPage = 256;

    private IMongoCollection<BsonDocument> JobReports => _database.GetCollection<BsonDocument>("jobReports");

    public Task SaveVerifyReportAsync(VerifyReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return SaveReportAsync(VerifyKind, report.SourceId, report.SourceId, ArchiveJson.Serialize(report), cancellationToken);
    }

    public async Task<VerifyReport?> GetVerifyReportAsync(string sourceId, CancellationToken cancellationToken) =>
        Single(await ReadReportsAsync<VerifyReport>(VerifyKind, sourceId, cancellationToken));

    public Task<IReadOnlyList<VerifyReport>> ListVerifyReportsAsync(CancellationToken cancellationToken) =>
        ReadReportsAsync<VerifyReport>(VerifyKind, null, cancellationToken);

    public Task SaveRestoreAsync(RestoreRecord restore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        return SaveReportAsync(RestoreKind, restore.Id, restore.SourceId, ArchiveJson.Serialize(restore), cancellationToken);
    }

    public async Task<RestoreRecord?> GetRestoreAsync(string restoreId, CancellationToken cancellationToken) =>
        Single(await ReadReportsAsync<RestoreRecord>(RestoreKind, restoreId, cancellationToken));

    private static T? Single<T>(IReadOnlyList<T> reports) where T : class => reports.Count == 0 ? null : reports[0];

    public Task<IReadOnlyList<RestoreRecord>> ListRestoresAsync(CancellationToken cancellationToken) =>
        ReadReportsAsync<RestoreRecord>(RestoreKind, null, cancellationToken);

    public async Task<IReadOnlyList<FolderCount>> ListFoldersAsync(string sourceId, CancellationToken cancellationToken)
    {
        var pipeline = new EmptyPipelineDefinition<BsonDocument>()
            .Match(Filter.Eq("sourceId", sourceId))
            .Project(new BsonDocument { ["folders"] = new BsonDocument("$setUnion", new BsonArray { "$locations.folder" }) })
            .Unwind("folders")
            .Group(new BsonDocument { ["_id"] = "$folders", ["messages"] = new BsonDocument("$sum", 1) })
            .Sort(new BsonDocument("_id", 1));
        var groups = await (await _messages.AggregateAsync(pipeline, cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        return groups.Select(g => new FolderCount(g["_id"].AsString, g["messages"].ToInt64())).ToList();
    }

    public async IAsyncEnumerable<ArchivedMessage> StreamMessagesAsync(string sourceId, string? folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var filter = Filter.Eq("sourceId", sourceId);
            if (folder is not null)
            {
                filter &= Filter.Eq("locations.folder", folder);
            }

            if (after is not null)
            {
                filter &= Filter.Gt("_id", after);
            }

            var page = await _messages.Find(filter).Sort(Builders<BsonDocument>.Sort.Ascending("_id")).Limit(CatalogPage).ToListAsync(cancellationToken);
            foreach (var document in page)
            {
                after = document["_id"].AsString;
                yield return MongoDocuments.Message(document);
            }

            if (page.Count < CatalogPage)
            {
                yield break;
            }
        }
    }

    private async Task SaveReportAsync(string kind, string id, string sourceId, string body, CancellationToken cancellationToken) =>
        await JobReports.ReplaceOneAsync(
            Filter.Eq("_id", $"{kind}:{id}"),
            new BsonDocument
            {
                ["_id"] = $"{kind}:{id}",
                ["kind"] = kind,
                ["sourceId"] = sourceId,
                ["body"] = body,
                ["updatedAt"] = _timeProvider.GetUtcNow().UtcTicks,
            },
            new ReplaceOptions { IsUpsert = true },
            cancellationToken);

    private async Task<IReadOnlyList<T>> ReadReportsAsync<T>(string kind, string? id, CancellationToken cancellationToken)
    {
        var filter = id is null ? Filter.Eq("kind", kind) : Filter.Eq("_id", $"{kind}:{id}");
        var documents = await JobReports.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Ascending("updatedAt").Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(d => ArchiveJson.Deserialize<T>(d["body"].AsString)).ToList();
    }
}
