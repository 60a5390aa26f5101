using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using Vault.Archive.Connectors;
using Vault.Archive.Folders;
using Vault.Archive.Invitations;
using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Archive.OAuth;
using Vault.Archive.Pop3;
using Vault.Archive.Schema;
using Vault.Archive.Sources;
using ZstdSharp;

namespace Vault.Archive.MongoDb;

/// <summary>
/// The store for several Vault instances on one MongoDB (<c>Vault:Store=MongoDb</c>).
/// <para>
/// <b>Needs a replica set</b> (a single-node one is enough; compose.yaml starts one): <see cref="CommitBatchAsync"/> writes
/// a batch's messages and its checkpoint in one multi-document transaction, and <see cref="RemapLocationsAsync"/> moves
/// locations in one. Everything else is a single-document write or an idempotent upsert and needs no transaction.
/// </para>
/// <para>
/// Collections: <c>sources</c>, <c>events</c>, <c>folderStates</c> (unique sourceId+folder), <c>messages</c>
/// (<c>_id</c> = <see cref="MessageIds.For"/>, unique sourceId+sha256, locations embedded), <c>raw</c> (zstd-compressed
/// BinData up to <see cref="InlineLimit"/> raw bytes), the GridFS bucket <c>rawLarge</c> beyond it, and <c>meta</c> with the schema
/// version (<see cref="SchemaVersion"/>). GridFS does not take
/// part in transactions: a large blob is uploaded (idempotently, under the message id) before the transaction that
/// references it, so a failed batch can leave an unreferenced blob that its retry reuses, never a message without bytes.
/// </para>
/// </summary>
public sealed partial class MongoArchiveStore : IArchiveStore, IConnectorStore, IPop3StateStore, IJobReportStore, IMessageCatalog, IInvitationStore, IOAuthStore
{
    /// <summary>Raw messages above this go to GridFS; below it the compressed bytes fit a 16 MB document.</summary>
    public const long InlineLimit = 15L * 1024 * 1024;

    // As in the embedded store: level 1 is much faster than 3 for under a point of ratio on mail.
    private const int CompressionLevel = 1;
    private const string InlineBlob = "inline";
    private const string GridFsBlob = "gridfs";

    private readonly IMongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly MongoSchemaMigrator _migrator;
    private readonly ILogger _logger;
    private readonly IMongoCollection<BsonDocument> _sources;
    private readonly IMongoCollection<BsonDocument> _events;
    private readonly IMongoCollection<BsonDocument> _folderStates;
    private readonly IMongoCollection<BsonDocument> _messages;
    private readonly IMongoCollection<BsonDocument> _raw;
    private readonly IMongoCollection<BsonDocument> _connectors;
    private readonly IMongoCollection<BsonDocument> _uidls;
    private readonly IMongoCollection<BsonDocument> _meta;
    private readonly GridFSBucket<string> _large;

    public MongoArchiveStore(IMongoDatabase database, TimeProvider timeProvider, ILogger<MongoArchiveStore>? logger = null)
        : this(database, timeProvider, MongoMigrations.All, logger)
    {
    }

    /// <summary>With a different migration history: the tests add steps to see the mechanism run.</summary>
    internal MongoArchiveStore(IMongoDatabase database, TimeProvider timeProvider, IReadOnlyList<SchemaMigration<IMongoDatabase>> migrations, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _migrator = new MongoSchemaMigrator(migrations);
        _logger = logger ?? NullLogger.Instance;
        _database = database;
        _client = database.Client;
        _timeProvider = timeProvider;
        _sources = database.GetCollection<BsonDocument>("sources");
        _events = database.GetCollection<BsonDocument>("events");
        _folderStates = database.GetCollection<BsonDocument>("folderStates");
        _messages = database.GetCollection<BsonDocument>("messages");
        _raw = database.GetCollection<BsonDocument>("raw");
        _connectors = database.GetCollection<BsonDocument>("connectors");
        _uidls = database.GetCollection<BsonDocument>("pop3Uidls");
        _meta = database.GetCollection<BsonDocument>(MongoSchemaMigrator.Collection);
        _large = new GridFSBucket<string>(database, new GridFSBucketOptions { BucketName = "rawLarge" });
    }

    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    private static UpdateDefinitionBuilder<BsonDocument> Update => Builders<BsonDocument>.Update;

    /// <summary>The schema version (<c>meta</c>, <c>_id: "schema"</c>) this Vault writes; a database above it is refused.</summary>
    public static int SchemaVersion { get; } = SchemaMigrations.Latest(MongoMigrations.All);

    /// <summary>Checks the schema version and runs the steps this database lacks (see <see cref="MongoMigrations"/>).</summary>
    /// <exception cref="ArchiveSchemaTooNewException">The database was written by a newer Vault; nothing was written.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken) => _migrator.UpgradeAsync(_database, _logger, cancellationToken);

    public Task CreateSourceAsync(Source source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return _sources.InsertOneAsync(MongoDocuments.Source(source), cancellationToken: cancellationToken);
    }

    public async Task<Source?> GetSourceAsync(string sourceId, CancellationToken cancellationToken)
    {
        var document = await _sources.Find(Filter.Eq("_id", sourceId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoDocuments.Source(document);
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(CancellationToken cancellationToken)
    {
        var documents = await _sources.Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(Builders<BsonDocument>.Sort.Ascending("createdAt").Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(MongoDocuments.Source).ToList();
    }

    public Task UpdateSourceSettingsAsync(string sourceId, SourceSettings settings, byte[] encryptedPassword, CancellationToken cancellationToken) =>
        _sources.UpdateOneAsync(
            Filter.Eq("_id", sourceId),
            Update.Set("settings", MongoDocuments.Embed(settings)).Set("password", new BsonBinaryData(encryptedPassword)),
            cancellationToken: cancellationToken);

    public Task UpdateSourceStatusAsync(string sourceId, SourceStatus status, SourceError? error, bool? importCompleted, CancellationToken cancellationToken)
    {
        var update = Update.Set("status", status.ToString()).Set("error", MongoDocuments.Embed(error));
        if (importCompleted is { } done)
        {
            update = update.Set("importCompleted", done);
        }

        return _sources.UpdateOneAsync(Filter.Eq("_id", sourceId), update, cancellationToken: cancellationToken);
    }

    public Task UpdateSourceProgressAsync(string sourceId, SyncProgress progress, DateTimeOffset? lastSyncAt, CancellationToken cancellationToken)
    {
        var update = Update.Set("progress", MongoDocuments.Embed(progress));
        if (lastSyncAt is { } at)
        {
            update = update.Set("lastSyncAt", at.UtcTicks);
        }

        return _sources.UpdateOneAsync(Filter.Eq("_id", sourceId), update, cancellationToken: cancellationToken);
    }

    public async Task DeleteSourceAsync(string sourceId, bool purgeMessages, CancellationToken cancellationToken)
    {
        // Messages first: a delete that stops half-way leaves a source to delete again, never a source without its mail.
        if (purgeMessages)
        {
            var large = await _large.FindAsync(Builders<GridFSFileInfo<string>>.Filter.Eq("metadata.sourceId", sourceId), cancellationToken: cancellationToken);
            foreach (var file in await large.ToListAsync(cancellationToken))
            {
                await _large.DeleteAsync(file.Id, cancellationToken);
            }

            await _raw.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
            await _messages.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
        }

        await _folderStates.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
        await _uidls.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
        await _events.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
        await _database.GetCollection<BsonDocument>("jobReports").DeleteManyAsync(Filter.Eq("_id", $"verify:{sourceId}"), cancellationToken);
        await OAuthGrants.DeleteOneAsync(Filter.Eq("_id", sourceId), cancellationToken);
        await OAuthStates.DeleteManyAsync(Filter.Eq("sourceId", sourceId), cancellationToken);
        await _sources.DeleteOneAsync(Filter.Eq("_id", sourceId), cancellationToken);
    }

    public Task AppendEventAsync(SourceEvent sourceEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceEvent);
        return _events.InsertOneAsync(MongoDocuments.Event(sourceEvent), cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<SourceEvent>> ListEventsAsync(string sourceId, int limit, CancellationToken cancellationToken)
    {
        var documents = await _events.Find(Filter.Eq("sourceId", sourceId))
            .Sort(Builders<BsonDocument>.Sort.Descending("_id"))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents
            .Select(d => new SourceEvent(d["sourceId"].AsString, MongoDocuments.Time(d, "at")!.Value, d["kind"].AsString, d["message"].AsString))
            .ToList();
    }

    public async Task<IReadOnlyList<FolderSyncState>> ListFolderStatesAsync(string sourceId, CancellationToken cancellationToken)
    {
        var documents = await _folderStates.Find(Filter.Eq("sourceId", sourceId))
            .Sort(Builders<BsonDocument>.Sort.Ascending("folder"))
            .ToListAsync(cancellationToken);
        return documents.Select(MongoDocuments.FolderState).ToList();
    }

    public Task SaveFolderStateAsync(FolderSyncState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return _folderStates.ReplaceOneAsync(FolderFilter(state), MongoDocuments.FolderState(state), new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<BatchResult> CommitBatchAsync(MessageBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var activity = VaultTelemetry.ActivitySource.StartActivity("archive.commit_batch");
        activity?.SetTag("vault.source_id", batch.SourceId);
        activity?.SetTag("vault.batch.messages", batch.Messages.Count);
        var now = _timeProvider.GetUtcNow();

        try
        {
            // Large blobs go to GridFS before the transaction (GridFS cannot join one); the upload is keyed by message id, so idempotent.
            foreach (var message in batch.Messages.Where(m => m.Content.Length > InlineLimit))
            {
                await UploadLargeAsync(batch.SourceId, MessageIds.For(batch.SourceId, message.Content.Sha256), message.Content, cancellationToken);
            }

            using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
            // The callback may run more than once (TransientTransactionError): it re-reads everything and reopens every content.
            return await session.WithTransactionAsync(
                (s, ct) => WriteBatchAsync(s, batch, now, ct),
                cancellationToken: cancellationToken);
        }
        catch (MongoException e)
        {
            // The archive's failure, not the mail server's: the sync engine reports it as StorageError.
            throw new ArchiveStorageException($"Writing a batch to MongoDB failed: {e.Message}", e)
            {
                DiskFull = e is MongoWriteException { WriteError.Code: 14031 } || e.Message.Contains("OutOfDiskSpace", StringComparison.OrdinalIgnoreCase),
            };
        }
        catch (IOException e)
        {
            // A spilled message's temp file under the data directory could not be read back.
            throw new ArchiveStorageException($"Reading a fetched message back from the data directory failed: {e.Message}", e) { DiskFull = StorageFailures.IsDiskFull(e) };
        }
    }

    private async Task<BatchResult> WriteBatchAsync(IClientSessionHandle session, MessageBatch batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = batch.Messages.Select(m => MessageIds.For(batch.SourceId, m.Content.Sha256)).ToList();
        var known = (await _messages.Find(session, Filter.In("_id", ids.Distinct())).Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(cancellationToken))
            .Select(d => d["_id"].AsString)
            .ToHashSet(StringComparer.Ordinal);

        var newMessages = new List<BsonDocument>();
        var newRaw = new List<BsonDocument>();
        var added = new List<string>();
        var relocated = new List<string>();
        long bytesAdded = 0;
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        // Numbers for every message the batch may change; those a known message does not use are a harmless gap.
        var nextSequence = await ReserveChangesAsync(session, batch.Messages.Count, cancellationToken);
        for (var i = 0; i < batch.Messages.Count; i++)
        {
            var id = ids[i];
            if (known.Contains(id) || !firstIndexOf.TryAdd(id, i))
            {
                continue;
            }

            var message = batch.Messages[i];
            var locations = batch.Messages.Where((m, j) => ids[j] == id).Select(m => m.Location).Distinct().ToList();
            var large = message.Content.Length > InlineLimit;
            newMessages.Add(MongoDocuments.Message(id, batch.SourceId, message, locations, large ? GridFsBlob : InlineBlob, now, nextSequence++));
            if (!large)
            {
                newRaw.Add(new BsonDocument { ["_id"] = id, ["sourceId"] = batch.SourceId, ["data"] = new BsonBinaryData(await CompressAsync(message.Content, cancellationToken)) });
            }

            added.Add(id);
            bytesAdded += message.Content.Length;
        }

        if (newRaw.Count > 0)
        {
            await _raw.InsertManyAsync(session, newRaw, cancellationToken: cancellationToken);
        }

        if (newMessages.Count > 0)
        {
            await _messages.InsertManyAsync(session, newMessages, cancellationToken: cancellationToken);
        }

        for (var i = 0; i < batch.Messages.Count; i++)
        {
            if (!known.Contains(ids[i]))
            {
                continue;
            }

            var location = batch.Messages[i].Location;
            // Adds the location unless the message already has it (the $addToSet of a location that may carry a goneAt mark).
            var result = await _messages.UpdateOneAsync(
                session,
                Filter.Eq("_id", ids[i]) & Filter.Not(Filter.ElemMatch<BsonValue>("locations", LocationFilter(location))),
                Update.Push("locations", MongoDocuments.Location(location)).Set("changeSeq", nextSequence++).Set("deletedOnServerAt", BsonNull.Value),
                cancellationToken: cancellationToken);
            if (result.ModifiedCount > 0 && !relocated.Contains(ids[i]))
            {
                relocated.Add(ids[i]);
            }
        }

        if (batch.Checkpoint is { } checkpoint)
        {
            await _folderStates.ReplaceOneAsync(session, FolderFilter(checkpoint), MongoDocuments.FolderState(checkpoint), new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }

        if (batch.Uidls is { Count: > 0 } uidls)
        {
            await _uidls.BulkWriteAsync(session, uidls.Select(UidlUpsert(batch.SourceId)), cancellationToken: cancellationToken);
        }

        return new BatchResult(added, relocated, bytesAdded);
    }

    public async Task<ArchivedMessage?> GetMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        var document = await _messages.Find(Filter.Eq("_id", messageId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MongoDocuments.Message(document);
    }

    public Task<ArchivedMessage?> FindBySha256Async(string sourceId, string sha256, CancellationToken cancellationToken) =>
        GetMessageAsync(MessageIds.For(sourceId, sha256), cancellationToken);

    public async Task<Stream?> OpenRawAsync(string messageId, CancellationToken cancellationToken)
    {
        var message = await _messages.Find(Filter.Eq("_id", messageId)).Project(Builders<BsonDocument>.Projection.Include("blob").Include("size")).FirstOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return null;
        }

        var size = message["size"].ToInt64();
        if (message["blob"].AsString == GridFsBlob)
        {
            // Seekable, so that the raw stream can start its decompression over (MimeKit's persistent parse seeks back).
            var download = await _large.OpenDownloadStreamAsync(messageId, new GridFSDownloadOptions { Seekable = true }, cancellationToken);
            return new RawMessageStream(download, size);
        }

        var raw = await _raw.Find(Filter.Eq("_id", messageId)).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidDataException($"Message {messageId} has no raw bytes.");
        return new RawMessageStream(new MemoryStream(raw["data"].AsBsonBinaryData.Bytes, writable: false), size);
    }

    public async Task<Page<ArchivedMessage>> ListMessagesAsync(string sourceId, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var filter = Filter.Eq("sourceId", sourceId);
        var total = await _messages.CountDocumentsAsync(filter, cancellationToken: cancellationToken);

        // In long: (page - 1) * pageSize overflows int for a huge page, and the driver's skip is an int.
        var skip = (long)(page - 1) * pageSize;
        if (skip >= total)
        {
            return new Page<ArchivedMessage>(total, page, pageSize, []);
        }

        var documents = await _messages.Find(filter)
            .Sort(Builders<BsonDocument>.Sort.Descending("sortDate").Descending("firstSeen").Descending("_id"))
            .Skip((int)skip)
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return new Page<ArchivedMessage>(total, page, pageSize, documents.Select(MongoDocuments.Message).ToList());
    }

    public async IAsyncEnumerable<ArchivedMessage> ListMessagesInFolderAsync(string sourceId, string folder, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cursor = await _messages.Find(Filter.Eq("sourceId", sourceId) & Filter.Eq("locations.folder", folder)).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                yield return MongoDocuments.Message(document);
            }
        }
    }

    public async Task RemapLocationsAsync(string sourceId, string folder, IReadOnlyList<(string Sha256, MessageLocation NewLocation)> matches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matches);
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        await session.WithTransactionAsync(
            async (s, ct) =>
            {
                foreach (var (sha256, location) in matches)
                {
                    var id = MessageIds.For(sourceId, sha256);
                    await _messages.UpdateOneAsync(
                        s,
                        Filter.Eq("_id", id),
                        Update.PullFilter("locations", Filter.Eq("folder", folder) & Filter.Ne("uidValidity", location.UidValidity)),
                        cancellationToken: ct);
                    await _messages.UpdateOneAsync(
                        s,
                        Filter.Eq("_id", id) & Filter.Not(Filter.ElemMatch<BsonValue>("locations", LocationFilter(location))),
                        Update.Push("locations", MongoDocuments.Location(location)),
                        cancellationToken: ct);
                }

                return true;
            },
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<string>> MarkDeletedOnServerAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<long> uids, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uids);
        // In a transaction with the change numbers it takes (see ReserveChangesAsync); the callback may run again.
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(
            async (s, ct) =>
            {
                var next = await ReserveChangesAsync(s, uids.Count, ct);
                var stale = new List<string>();
                foreach (var uid in uids)
                {
                    var live = new MessageLocation(folder, uidValidity, uid);
                    var marked = await _messages.FindOneAndUpdateAsync(
                        s,
                        Filter.Eq("sourceId", sourceId) & Filter.ElemMatch<BsonValue>("locations", LocationFilter(live) & Builders<BsonValue>.Filter.Eq("goneAt", BsonNull.Value)),
                        Update.Set("locations.$.goneAt", at.UtcTicks).Set("changeSeq", next++),
                        new FindOneAndUpdateOptions<BsonDocument> { Projection = Builders<BsonDocument>.Projection.Include("_id") },
                        ct);
                    if (marked is null)
                    {
                        continue;
                    }

                    stale.Add(marked["_id"].AsString);

                    // Deleted on the server once no live location is left: one conditional single-document update.
                    await _messages.UpdateOneAsync(
                        s,
                        Filter.Eq("_id", marked["_id"]) & Filter.Eq("deletedOnServerAt", BsonNull.Value)
                            & Filter.Not(Filter.ElemMatch("locations", Builders<BsonValue>.Filter.Eq("goneAt", BsonNull.Value))),
                        Update.Set("deletedOnServerAt", at.UtcTicks),
                        cancellationToken: ct);
                }

                return (IReadOnlyList<string>)stale.Distinct(StringComparer.Ordinal).ToList();
            },
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<string>> UpdateFlagsAsync(string sourceId, string folder, long uidValidity, IReadOnlyList<(long Uid, IReadOnlyList<string> Flags)> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(
            async (s, ct) =>
            {
                var next = await ReserveChangesAsync(s, changes.Count, ct);
                var changed = new List<string>();
                foreach (var (uid, flags) in changes)
                {
                    // Only a real change is written, and takes a change number (its is: terms are stale).
                    var updated = await _messages.FindOneAndUpdateAsync(
                        s,
                        Filter.Eq("sourceId", sourceId) & Filter.ElemMatch<BsonValue>("locations", LocationFilter(new MessageLocation(folder, uidValidity, uid)))
                            & Filter.Ne("flags", new BsonArray(flags)),
                        Update.Set("flags", new BsonArray(flags)).Set("changeSeq", next++),
                        new FindOneAndUpdateOptions<BsonDocument> { Projection = Builders<BsonDocument>.Projection.Include("_id") },
                        ct);
                    if (updated is not null)
                    {
                        changed.Add(updated["_id"].AsString);
                    }
                }

                return (IReadOnlyList<string>)changed.Distinct(StringComparer.Ordinal).ToList();
            },
            cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<ArchivedMessage>> ListChangesAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var documents = await _messages.Find(Filter.Gt("changeSeq", afterSequence))
            .Sort(Builders<BsonDocument>.Sort.Ascending("changeSeq"))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.Select(MongoDocuments.Message).ToList();
    }

    public async Task MarkChangedAsync(IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var ids = messageIds.Distinct(StringComparer.Ordinal).ToList();
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        await session.WithTransactionAsync(
            async (s, ct) =>
            {
                var next = await ReserveChangesAsync(s, ids.Count, ct);
                foreach (var id in ids)
                {
                    await _messages.UpdateOneAsync(s, Filter.Eq("_id", id), Update.Set("changeSeq", next++), cancellationToken: ct);
                }

                return true;
            },
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Reserves <paramref name="count"/> numbers of the archive change sequence (<c>meta</c>, <c>_id: "changes"</c>) and
    /// returns the first. Every write that gives out numbers runs in a transaction that updates this one document, so two
    /// such transactions conflict and MongoDB retries the second after the first committed: numbers grow in commit order.
    /// </summary>
    private async Task<long> ReserveChangesAsync(IClientSessionHandle session, int count, CancellationToken cancellationToken)
    {
        var counter = await _meta.FindOneAndUpdateAsync(
            session,
            Filter.Eq("_id", "changes"),
            Update.Inc("value", (long)Math.Max(count, 1)),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return counter["value"].ToInt64() - Math.Max(count, 1) + 1;
    }

    public Task<long> CountMessagesAsync(string? sourceId, CancellationToken cancellationToken) =>
        _messages.CountDocumentsAsync(sourceId is null ? FilterDefinition<BsonDocument>.Empty : Filter.Eq("sourceId", sourceId), cancellationToken: cancellationToken);

    public async Task<SourceTotals> GetSourceTotalsAsync(string sourceId, CancellationToken cancellationToken)
    {
        var totals = await _messages.Aggregate()
            .Match(Filter.Eq("sourceId", sourceId))
            .Group(new BsonDocument { ["_id"] = BsonNull.Value, ["messages"] = new BsonDocument("$sum", 1), ["bytes"] = new BsonDocument("$sum", "$size") })
            .FirstOrDefaultAsync(cancellationToken);
        return totals is null ? SourceTotals.None : new SourceTotals(totals["messages"].ToInt64(), totals["bytes"].ToInt64());
    }

    public async Task<IReadOnlyDictionary<string, long>> CountChangesBySourceAsync(long afterSequence, CancellationToken cancellationToken)
    {
        // A range of the index "change_source": only the changes the caller has not seen are read.
        var groups = await _messages.Aggregate()
            .Match(Filter.Gt("changeSeq", afterSequence))
            .Group(new BsonDocument { ["_id"] = "$sourceId", ["count"] = new BsonDocument("$sum", 1) })
            .ToListAsync(cancellationToken);
        return groups.ToDictionary(g => g["_id"].AsString, g => g["count"].ToInt64(), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<DailyCount>> CountArchivedPerDayAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        // firstSeen is UTC ticks; integer division by ticks per day is the day number since 0001-01-01.
        var groups = await _messages.Aggregate()
            .Match(Filter.Gte("firstSeen", from.UtcTicks))
            .Group(new BsonDocument
            {
                ["_id"] = new BsonDocument("$toLong", new BsonDocument("$floor", new BsonDocument("$divide", new BsonArray { "$firstSeen", TimeSpan.TicksPerDay }))),
                ["count"] = new BsonDocument("$sum", 1),
            })
            .Sort(new BsonDocument("_id", 1))
            .ToListAsync(cancellationToken);
        return groups.Select(g => new DailyCount(DateOnly.FromDayNumber((int)g["_id"].ToInt64()), g["count"].ToInt64())).ToList();
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            throw new ArchiveStorageException($"MongoDB does not answer: {e.Message}", e);
        }
    }

    private async Task UploadLargeAsync(string sourceId, string id, MessageContent content, CancellationToken cancellationToken)
    {
        var present = await _large.FindAsync(Builders<GridFSFileInfo<string>>.Filter.Eq("_id", id), cancellationToken: cancellationToken);
        if (await present.AnyAsync(cancellationToken))
        {
            return;
        }

        var options = new GridFSUploadOptions { Metadata = new BsonDocument { ["sourceId"] = sourceId, ["sha256"] = content.Sha256 } };
        await using var upload = await _large.OpenUploadStreamAsync(id, id, options, cancellationToken);
        try
        {
            await using (var zstd = new CompressionStream(upload, CompressionLevel, leaveOpen: true))
            await using (var input = content.OpenRead())
            {
                await input.CopyToAsync(zstd, cancellationToken);
            }

            await upload.CloseAsync(cancellationToken);
        }
        catch
        {
            await upload.AbortAsync(CancellationToken.None);
            throw;
        }
    }

    private static async Task<byte[]> CompressAsync(MessageContent content, CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        await using (var zstd = new CompressionStream(output, CompressionLevel, leaveOpen: true))
        await using (var input = content.OpenRead())
        {
            await input.CopyToAsync(zstd, cancellationToken);
        }

        return output.ToArray();
    }

    private static FilterDefinition<BsonDocument> FolderFilter(FolderSyncState state) =>
        Filter.Eq("sourceId", state.SourceId) & Filter.Eq("folder", state.Folder);

    private static FilterDefinition<BsonValue> LocationFilter(MessageLocation location) =>
        Builders<BsonValue>.Filter.Eq("folder", location.Folder)
        & Builders<BsonValue>.Filter.Eq("uidValidity", location.UidValidity)
        & Builders<BsonValue>.Filter.Eq("uid", location.Uid);
}
