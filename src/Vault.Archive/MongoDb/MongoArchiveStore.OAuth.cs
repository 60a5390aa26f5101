using MongoDB.Bson;
using MongoDB.Driver;
using Vault.Archive.OAuth;

namespace Vault.Archive.MongoDb;

/// <summary>
/// The OAuth2 port (<see cref="IOAuthStore"/>): <c>oauthClients</c> (<c>_id</c> = provider), <c>oauthStates</c>
/// (<c>_id</c> = the state's hash) and <c>oauthGrants</c> (<c>_id</c> = source id).
/// </summary>
public sealed partial class MongoArchiveStore
{
    /// <summary>A state that expired this long ago is purged; until then a replay of it reads "already used", not "unknown".</summary>
    private static readonly TimeSpan SignInKept = TimeSpan.FromDays(1);

    private IMongoCollection<BsonDocument> OAuthClients => _database.GetCollection<BsonDocument>("oauthClients");

    private IMongoCollection<BsonDocument> OAuthStates => _database.GetCollection<BsonDocument>("oauthStates");

    private IMongoCollection<BsonDocument> OAuthGrants => _database.GetCollection<BsonDocument>("oauthGrants");

    public async Task<OAuthClientSettings?> GetOAuthClientAsync(OAuthProvider provider, CancellationToken cancellationToken)
    {
        var document = await OAuthClients.Find(Filter.Eq("_id", provider.ToString())).FirstOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return null;
        }

        return MongoDocuments.Unembed<OAuthClientSettings>(document, "settings")! with
        {
            EncryptedClientSecret = document.TryGetValue("clientSecret", out var secret) && !secret.IsBsonNull ? secret.AsBsonBinaryData.Bytes : null,
        };
    }

    public Task SaveOAuthClientAsync(OAuthClientSettings client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var document = new BsonDocument
        {
            ["_id"] = client.Provider.ToString(),
            ["settings"] = MongoDocuments.Embed(client),
            ["clientSecret"] = client.EncryptedClientSecret is { } secret ? new BsonBinaryData(secret) : BsonNull.Value,
            ["updatedAt"] = client.UpdatedAt.UtcTicks,
        };
        return OAuthClients.ReplaceOneAsync(Filter.Eq("_id", document["_id"]), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task SaveOAuthSignInAsync(OAuthSignInState signIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        await OAuthStates.DeleteManyAsync(Filter.Lt("expiresAt", (signIn.CreatedAt - SignInKept).UtcTicks), cancellationToken);
        await OAuthStates.InsertOneAsync(new BsonDocument
        {
            ["_id"] = signIn.StateHash,
            ["sourceId"] = signIn.SourceId,
            ["provider"] = signIn.Provider.ToString(),
            ["codeVerifier"] = new BsonBinaryData(signIn.EncryptedCodeVerifier),
            ["redirectUri"] = signIn.RedirectUri,
            ["createdAt"] = signIn.CreatedAt.UtcTicks,
            ["expiresAt"] = signIn.ExpiresAt.UtcTicks,
            ["usedAt"] = BsonNull.Value,
        }, cancellationToken: cancellationToken);
    }

    public async Task<OAuthSignInClaim> ClaimOAuthSignInAsync(string stateHash, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One atomic find-and-modify: of two callbacks with the same state, only the first finds usedAt null.
        var claimed = await OAuthStates.FindOneAndUpdateAsync(
            Filter.Eq("_id", stateHash) & Filter.Eq("usedAt", BsonNull.Value),
            Update.Set("usedAt", at.UtcTicks),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        if (claimed is not null)
        {
            return new OAuthSignInClaim(OAuthSignInClaimOutcome.Claimed, SignIn(claimed));
        }

        var existing = await OAuthStates.Find(Filter.Eq("_id", stateHash)).FirstOrDefaultAsync(cancellationToken);
        return existing is null ? OAuthSignInClaim.Unknown : new OAuthSignInClaim(OAuthSignInClaimOutcome.AlreadyUsed, SignIn(existing));
    }

    public async Task<OAuthGrant?> GetOAuthGrantAsync(string sourceId, CancellationToken cancellationToken)
    {
        var document = await OAuthGrants.Find(Filter.Eq("_id", sourceId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new OAuthGrant
        {
            SourceId = document["_id"].AsString,
            Provider = Enum.Parse<OAuthProvider>(document["provider"].AsString),
            EncryptedRefreshToken = document["refreshToken"].AsBsonBinaryData.Bytes,
            Scopes = document["scopes"].AsBsonArray.Select(scope => scope.AsString).ToList(),
            GrantedAt = MongoDocuments.Time(document, "grantedAt")!.Value,
            RotatedAt = MongoDocuments.Time(document, "rotatedAt"),
        };
    }

    public Task SaveOAuthGrantAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var document = new BsonDocument
        {
            ["_id"] = grant.SourceId,
            ["provider"] = grant.Provider.ToString(),
            ["refreshToken"] = new BsonBinaryData(grant.EncryptedRefreshToken),
            ["scopes"] = new BsonArray(grant.Scopes),
            ["grantedAt"] = grant.GrantedAt.UtcTicks,
            ["rotatedAt"] = MongoDocuments.Ticks(grant.RotatedAt),
        };
        return OAuthGrants.ReplaceOneAsync(Filter.Eq("_id", grant.SourceId), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public Task DeleteOAuthGrantAsync(string sourceId, CancellationToken cancellationToken) =>
        OAuthGrants.DeleteOneAsync(Filter.Eq("_id", sourceId), cancellationToken);

    private static OAuthSignInState SignIn(BsonDocument document) => new()
    {
        StateHash = document["_id"].AsString,
        SourceId = document["sourceId"].AsString,
        Provider = Enum.Parse<OAuthProvider>(document["provider"].AsString),
        EncryptedCodeVerifier = document["codeVerifier"].AsBsonBinaryData.Bytes,
        RedirectUri = document["redirectUri"].AsString,
        CreatedAt = MongoDocuments.Time(document, "createdAt")!.Value,
        ExpiresAt = MongoDocuments.Time(document, "expiresAt")!.Value,
        UsedAt = MongoDocuments.Time(document, "usedAt"),
    };
}
