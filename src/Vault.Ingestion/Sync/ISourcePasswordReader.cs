using Vault.Archive.Sources;

namespace Vault.Ingestion.Sync;

/// <summary>
/// Turns a source's encrypted password back into the secret a server expects, for the moment of login only.
/// The host registers the Data Protection implementation; the engine never stores or logs the result.
/// </summary>
public interface ISourcePasswordReader
{
    string ReadPassword(Source source);
}
