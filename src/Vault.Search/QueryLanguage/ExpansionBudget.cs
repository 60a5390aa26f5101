using System.Globalization;
using Lucene.Net.Search;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// How many index terms the prefixes and wildcards of one query may expand to, together: at most
/// <see cref="SearchQueryParser.MaxExpansion"/>. A query is rewritten against the index when it runs, so the
/// count is known only then; going past it is a <see cref="SearchQueryException"/> at the prefix that did.
/// Each multi-term query is counted once, however often Lucene rewrites it.
/// </summary>
internal sealed class ExpansionBudget(int limit)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<MultiTermQuery, int> _spent = new(ReferenceEqualityComparer.Instance);

    public int Limit => limit;

    /// <summary>Records that <paramref name="query"/> now expands to <paramref name="terms"/> terms; throws past the limit.</summary>
    public void Spend(MultiTermQuery query, int terms, string shown, int position)
    {
        lock (_lock)
        {
            _spent[query] = terms;
            if (terms > limit)
            {
                throw new SearchQueryException(string.Create(CultureInfo.InvariantCulture,
                    $"'{shown}' matches more than {limit:N0} words in the archive; type more of the word before the '*'"), position);
            }

            if (_spent.Values.Sum() > limit)
            {
                throw new SearchQueryException(string.Create(CultureInfo.InvariantCulture,
                    $"'{shown}' and the query's other prefixes match more than {limit:N0} words together; type more of each word before the '*'"), position);
            }
        }
    }
}
