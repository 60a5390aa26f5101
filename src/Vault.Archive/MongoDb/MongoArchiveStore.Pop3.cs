using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.Pop3;

namespace Vault.Archive.MongoDb;

/// <summary>The POP3 state port (<see cref="IPop3StateStore"/>): the <c>pop3Uidls</c> collection, unique per source and UIDL.</summary>
public sealed partial class MongoArchiveStore
{
    public async Task<IReadOnlyList<Pop3Uidl>> ListPop3UidlsAsync(string sourceId, CancellationToken cancellationToken)
    {
        var documents = await _uidls.Find(Filter.Eq("sourceId", sourceId)).ToListAsync(cancellationToken);
        return documents.Select(d => new Pop3Uidl(d["uidl"].AsString, d["uid"].ToInt64(), MongoDocuments.Time(d, "goneAt"))).ToList();
    }

    public async Task SavePop3UidlsAsync(string sourceId, IReadOnlyList<Pop3Uidl> uidls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uidls);
        if (uidls.Count > 0)
        {
            await _uidls.BulkWriteAsync(uidls.Select(UidlUpsert(sourceId)), cancellationToken: cancellationToken);
        }
    }

    public async Task<IReadOnlyList<string>> MarkPop3UidlsGoneAsync(string sourceId, IReadOnlyList<string> uidls, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uidls);
        var uids = new List<long>();
        foreach (var uidl in uidls)
        {
            var marked = await _uidls.FindOneAndUpdateAsync(
                Filter.Eq("sourceId", sourceId) & Filter.Eq("uidl", uidl) & Filter.Eq("goneAt", BsonNull.Value),
                Update.Set("goneAt", at.UtcTicks),
                cancellationToken: cancellationToken);
            if (marked is not null && marked["uid"].ToInt64() > 0)
            {
                uids.Add(marked["uid"].ToInt64());
            }
        }

        return await MarkDeletedOnServerAsync(sourceId, Pop3Locations.Folder, Pop3Locations.UidValidity, uids, at, cancellationToken);
    }

    /// <summary>Inserts a UIDL with its UID, or only updates goneAt of one already there (a UIDL keeps its first UID).</summary>
    private static Func<Pop3Uidl, WriteModel<BsonDocument>> UidlUpsert(string sourceId) => uidl =>
        new UpdateOneModel<BsonDocument>(
            Filter.Eq("sourceId", sourceId) & Filter.Eq("uidl", uidl.Uidl),
            Update.SetOnInsert("uid", uidl.Uid).Set("goneAt", MongoDocuments.Ticks(uidl.GoneAt)))
        { IsUpsert = true };
}
