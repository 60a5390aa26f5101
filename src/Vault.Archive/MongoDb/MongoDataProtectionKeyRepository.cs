using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Vault.Archive.MongoDb;

/// <summary>
/// The Data Protection key ring in the <c>dataProtectionKeys</c> collection, shared by every Vault instance on
/// the replica set so a password encrypted by one can be decrypted by another. Data Protection calls this
/// interface synchronously, rarely (start-up and key rotation), hence the synchronous driver calls.
/// </summary>
internal sealed class MongoDataProtectionKeyRepository(IMongoDatabase database) : IXmlRepository
{
    private readonly IMongoCollection<BsonDocument> _keys = database.GetCollection<BsonDocument>("dataProtectionKeys");

    public IReadOnlyCollection<XElement> GetAllElements() =>
        _keys.Find(FilterDefinition<BsonDocument>.Empty).ToList()
            .Select(document => XElement.Parse(document["xml"].AsString))
            .ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        _keys.InsertOne(new BsonDocument
        {
            ["_id"] = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName,
            ["xml"] = element.ToString(SaveOptions.DisableFormatting),
        });
    }
}
