using MongoDB.Bson;
using MongoDB.Bson.IO;
using Vault.Archive.Connectors;
using Vault.Archive.Folders;
using Vault.Archive.Messages;
using Vault.Archive.Sources;

namespace Vault.Archive.MongoDb;

/// <summary>
/// Maps the domain records to BSON by hand, so no MongoDB attribute reaches them. Times are UTC ticks (Int64),
/// as in the embedded store, so every DateTimeOffset round-trips exactly (a BSON date keeps only milliseconds).
/// </summary>
internal static class MongoDocuments
{
    private static readonly JsonWriterSettings RelaxedJson = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public static BsonValue Ticks(DateTimeOffset? value) => value is { } v ? new BsonInt64(v.UtcTicks) : BsonNull.Value;

    public static DateTimeOffset? Time(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && !value.IsBsonNull ? new DateTimeOffset(value.ToInt64(), TimeSpan.Zero) : null;

    public static BsonValue Text(string? value) => value is null ? BsonNull.Value : new BsonString(value);

    public static string? Text(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && !value.IsBsonNull ? value.AsString : null;

    /// <summary>A record as a sub-document, through the same JSON shape the embedded store keeps.</summary>
    public static BsonValue Embed<T>(T? value) where T : class =>
        value is null ? BsonNull.Value : BsonDocument.Parse(ArchiveJson.Serialize(value));

    public static T? Unembed<T>(BsonDocument document, string name) where T : class =>
        document.TryGetValue(name, out var value) && value is BsonDocument embedded ? ArchiveJson.Deserialize<T>(embedded.ToJson(RelaxedJson)) : null;

    public static BsonDocument Source(Source source) => new()
    {
        ["_id"] = source.Id,
        ["settings"] = Embed(source.Settings),
        ["password"] = new BsonBinaryData(source.EncryptedPassword),
        ["status"] = source.Status.ToString(),
        ["error"] = Embed(source.Error),
        ["progress"] = Embed(source.Progress),
        ["importCompleted"] = source.ImportCompleted,
        ["lastSyncAt"] = Ticks(source.LastSyncAt),
        ["createdAt"] = source.CreatedAt.UtcTicks,
        ["connectorId"] = Text(source.ConnectorId),
    };

    public static Source Source(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        Settings = Unembed<SourceSettings>(document, "settings")!,
        EncryptedPassword = document["password"].AsBsonBinaryData.Bytes,
        Status = Enum.Parse<SourceStatus>(document["status"].AsString),
        Error = Unembed<SourceError>(document, "error"),
        Progress = Unembed<SyncProgress>(document, "progress") ?? SyncProgress.None,
        ImportCompleted = document["importCompleted"].AsBoolean,
        LastSyncAt = Time(document, "lastSyncAt"),
        CreatedAt = Time(document, "createdAt")!.Value,
        ConnectorId = Text(document, "connectorId"),
    };

    public static BsonDocument Event(SourceEvent sourceEvent) => new()
    {
        ["_id"] = ObjectId.GenerateNewId(),
        ["sourceId"] = sourceEvent.SourceId,
        ["at"] = sourceEvent.At.UtcTicks,
        ["kind"] = sourceEvent.Kind,
        ["message"] = sourceEvent.Message,
    };

    public static BsonDocument Connector(Connector connector) => new()
    {
        ["_id"] = connector.Id,
        ["settings"] = Embed(connector.Settings),
        ["adminPassword"] = connector.EncryptedAdminPassword is null ? BsonNull.Value : new BsonBinaryData(connector.EncryptedAdminPassword),
        ["createdAt"] = connector.CreatedAt.UtcTicks,
    };

    public static Connector Connector(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        Settings = Unembed<ConnectorSettings>(document, "settings")!,
        EncryptedAdminPassword = document.TryGetValue("adminPassword", out var password) && !password.IsBsonNull ? password.AsBsonBinaryData.Bytes : null,
        CreatedAt = Time(document, "createdAt")!.Value,
    };

    public static BsonDocument FolderState(FolderSyncState state) => new()
    {
        ["sourceId"] = state.SourceId,
        ["folder"] = state.Folder,
        ["uidValidity"] = state.UidValidity,
        ["watermark"] = state.Watermark,
        ["highestModSeq"] = new BsonDecimal128(state.HighestModSeq),
        ["uidNext"] = state.UidNext,
        ["messagesOnServer"] = state.MessagesOnServer,
        ["retryList"] = new BsonArray(state.RetryList.Select(r => new BsonDocument { ["uid"] = r.Uid, ["attempts"] = r.Attempts, ["lastError"] = r.LastError })),
        ["importDone"] = state.ImportDone,
        ["goneAt"] = Ticks(state.GoneAt),
    };

    public static FolderSyncState FolderState(BsonDocument document) => new()
    {
        SourceId = document["sourceId"].AsString,
        Folder = document["folder"].AsString,
        UidValidity = document["uidValidity"].ToInt64(),
        Watermark = document["watermark"].ToInt64(),
        HighestModSeq = (ulong)document["highestModSeq"].AsDecimal128,
        UidNext = document["uidNext"].ToInt64(),
        MessagesOnServer = document["messagesOnServer"].ToInt64(),
        RetryList = document["retryList"].AsBsonArray
            .Select(r => new RetryEntry(r["uid"].ToInt64(), r["attempts"].ToInt32(), r["lastError"].AsString))
            .ToList(),
        ImportDone = document["importDone"].AsBoolean,
        GoneAt = Time(document, "goneAt"),
    };

    public static BsonDocument Location(MessageLocation location) => new()
    {
        ["folder"] = location.Folder,
        ["uidValidity"] = location.UidValidity,
        ["uid"] = location.Uid,
        ["goneAt"] = BsonNull.Value,
    };

    public static BsonDocument Message(string id, string sourceId, IncomingMessage message, IEnumerable<MessageLocation> locations, string blob, DateTimeOffset now, long changeSequence) => new()
    {
        ["_id"] = id,
        ["sourceId"] = sourceId,
        ["sha256"] = message.Content.Sha256,
        ["size"] = message.Content.Length,
        ["internalDate"] = Ticks(message.InternalDate),
        ["flags"] = new BsonArray(message.Flags),
        ["subject"] = Text(message.Headers.Subject),
        ["from"] = Text(message.Headers.From),
        ["to"] = Text(message.Headers.To),
        ["date"] = Ticks(message.Headers.Date),
        ["messageIdHeader"] = Text(message.Headers.MessageIdHeader),
        ["sortDate"] = Ticks(message.Headers.Date ?? message.InternalDate),
        ["firstSeen"] = now.UtcTicks,
        ["deletedOnServerAt"] = BsonNull.Value,
        ["changeSeq"] = changeSequence,
        ["locations"] = new BsonArray(locations.Select(Location)),
        ["blob"] = blob,
    };

    /// <summary>The live locations; a message gone from every folder keeps showing where it was.</summary>
    public static ArchivedMessage Message(BsonDocument document)
    {
        var all = document["locations"].AsBsonArray.Select(l => l.AsBsonDocument).ToList();
        var live = all.Where(l => l["goneAt"].IsBsonNull).ToList();
        return new ArchivedMessage
        {
            Id = document["_id"].AsString,
            SourceId = document["sourceId"].AsString,
            Sha256 = document["sha256"].AsString,
            Size = document["size"].ToInt64(),
            InternalDate = Time(document, "internalDate"),
            Flags = document["flags"].AsBsonArray.Select(f => f.AsString).ToList(),
            Headers = new MessageHeaderSummary(
                Text(document, "subject"), Text(document, "from"), Text(document, "to"), Time(document, "date"), Text(document, "messageIdHeader")),
            Locations = (live.Count > 0 ? live : all)
                .Select(l => new MessageLocation(l["folder"].AsString, l["uidValidity"].ToInt64(), l["uid"].ToInt64()))
                .ToList(),
            FirstSeen = Time(document, "firstSeen")!.Value,
            DeletedOnServerAt = Time(document, "deletedOnServerAt"),
            ChangeSequence = document.GetValue("changeSeq", 0L).ToInt64(),
        };
    }
}
