using Vault.Archive.Jobs;
using Vault.Archive.Messages;
using Vault.Search.Searching;

namespace Vault.Ingestion.Restore;

/// <summary>
/// Which archived messages a restore takes: every one, or those a search query matches (<see cref="RestoreRecord.Query"/>,
/// the API's query language, evaluated on the index when a run starts). Only the ids are held, never a message.
/// </summary>
public sealed class RestoreSelection(SearchService? search = null)
{
    /// <returns>Null when every message is taken.</returns>
    public Func<ArchivedMessage, bool>? For(RestoreRecord restore)
    {
        ArgumentNullException.ThrowIfNull(restore);
        if (string.IsNullOrWhiteSpace(restore.Query))
        {
            return null;
        }

        var matching = (search ?? throw new InvalidOperationException("This Vault has no search index to select messages by a query."))
            .MatchingIds(restore.Query)
            .ToHashSet(StringComparer.Ordinal);
        return message => matching.Contains(message.Id);
    }
}
