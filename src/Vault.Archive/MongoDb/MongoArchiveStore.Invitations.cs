using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.Invitations;

namespace Vault.Archive.MongoDb;

/// <summary>The invitations port (<see cref="IInvitationStore"/>): the <c>invitations</c> collection, unique on <c>tokenHash</c>.</summary>
public sealed partial class MongoArchiveStore
{
    private IMongoCollection<BsonDocument> Invitations => _database.GetCollection<BsonDocument>("invitations");

    public async Task CreateInvitationsAsync(IReadOnlyList<Invitation> invitations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitations);
        if (invitations.Count > 0)
        {
            await Invitations.InsertManyAsync(invitations.Select(ToDocument), cancellationToken: cancellationToken);
        }
    }

    public Task<Invitation?> GetInvitationAsync(string invitationId, CancellationToken cancellationToken) =>
        FindInvitationAsync(Filter.Eq("_id", invitationId), cancellationToken);

    public Task<Invitation?> FindInvitationByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
        FindInvitationAsync(Filter.Eq("tokenHash", new BsonBinaryData(tokenHash)), cancellationToken);

    public async Task<IReadOnlyList<Invitation>> ListInvitationsAsync(string connectorId, CancellationToken cancellationToken)
    {
        var documents = await Invitations.Find(Filter.Eq("connectorId", connectorId))
            .Sort(Builders<BsonDocument>.Sort.Ascending("createdAt").Ascending("_id"))
            .ToListAsync(cancellationToken);
        return documents.Select(FromDocument).ToList();
    }

    public async Task<bool> RevokeInvitationAsync(string invitationId, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await Invitations.UpdateOneAsync(PendingInvitation(invitationId, at), Update.Set("revokedAt", at.UtcTicks), cancellationToken: cancellationToken)).ModifiedCount == 1;

    public async Task<bool> ClaimInvitationAsync(string invitationId, string sourceId, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await Invitations.UpdateOneAsync(
            PendingInvitation(invitationId, at),
            Update.Set("usedAt", at.UtcTicks).Set("sourceId", sourceId),
            cancellationToken: cancellationToken)).ModifiedCount == 1;

    public Task ReleaseInvitationAsync(string invitationId, string sourceId, CancellationToken cancellationToken) =>
        Invitations.UpdateOneAsync(
            Filter.Eq("_id", invitationId) & Filter.Eq("sourceId", sourceId),
            Update.Set("usedAt", BsonNull.Value).Set("sourceId", BsonNull.Value),
            cancellationToken: cancellationToken);

    public async Task<bool> ReplaceInvitationTokenAsync(string invitationId, byte[] tokenHash, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await Invitations.UpdateOneAsync(
            PendingInvitation(invitationId, at),
            Update.Set("tokenHash", new BsonBinaryData(tokenHash)).Set("sentAt", BsonNull.Value).Set("sendError", BsonNull.Value),
            cancellationToken: cancellationToken)).ModifiedCount == 1;

    public Task RecordInvitationDeliveryAsync(string invitationId, DateTimeOffset? sentAt, string? sendError, CancellationToken cancellationToken) =>
        Invitations.UpdateOneAsync(
            Filter.Eq("_id", invitationId),
            Update.Set("sentAt", MongoDocuments.Ticks(sentAt)).Set("sendError", MongoDocuments.Text(sendError)),
            cancellationToken: cancellationToken);

    /// <summary>Not used, not revoked, not expired at <paramref name="at"/>: the state every change of a link starts from.</summary>
    private static FilterDefinition<BsonDocument> PendingInvitation(string invitationId, DateTimeOffset at) =>
        Filter.Eq("_id", invitationId)
        & Filter.Eq("usedAt", BsonNull.Value)
        & Filter.Eq("revokedAt", BsonNull.Value)
        & Filter.Gt("expiresAt", at.UtcTicks);

    private async Task<Invitation?> FindInvitationAsync(FilterDefinition<BsonDocument> filter, CancellationToken cancellationToken)
    {
        var document = await Invitations.Find(filter).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    private static BsonDocument ToDocument(Invitation invitation) => new()
    {
        ["_id"] = invitation.Id,
        ["connectorId"] = invitation.ConnectorId,
        ["email"] = invitation.Email,
        ["tokenHash"] = new BsonBinaryData(invitation.TokenHash),
        ["createdAt"] = invitation.CreatedAt.UtcTicks,
        ["expiresAt"] = invitation.ExpiresAt.UtcTicks,
        ["revokedAt"] = MongoDocuments.Ticks(invitation.RevokedAt),
        ["usedAt"] = MongoDocuments.Ticks(invitation.UsedAt),
        ["sourceId"] = MongoDocuments.Text(invitation.SourceId),
        ["sentAt"] = MongoDocuments.Ticks(invitation.SentAt),
        ["sendError"] = MongoDocuments.Text(invitation.SendError),
    };

    private static Invitation FromDocument(BsonDocument document) => new()
    {
        Id = document["_id"].AsString,
        ConnectorId = document["connectorId"].AsString,
        Email = document["email"].AsString,
        TokenHash = document["tokenHash"].AsBsonBinaryData.Bytes,
        CreatedAt = MongoDocuments.Time(document, "createdAt")!.Value,
        ExpiresAt = MongoDocuments.Time(document, "expiresAt")!.Value,
        RevokedAt = MongoDocuments.Time(document, "revokedAt"),
        UsedAt = MongoDocuments.Time(document, "usedAt"),
        SourceId = MongoDocuments.Text(document, "sourceId"),
        SentAt = MongoDocuments.Time(document, "sentAt"),
        SendError = MongoDocuments.Text(document, "sendError"),
    };
}
