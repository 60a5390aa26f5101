using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// Rewrites a prefix or wildcard query into one clause per matching term, counting the terms against the query's
/// <see cref="ExpansionBudget"/> as it enumerates them, so a too broad prefix fails fast with its position instead of
/// building thousands of clauses (Lucene's own rewrites either throw TooManyClauses without saying which prefix, or
/// silently keep only some terms).
/// </summary>
internal sealed class BoundedExpansion(ExpansionBudget budget, string shown, int position) : MultiTermQuery.RewriteMethod
{
    public override Lucene.Net.Search.Query Rewrite(IndexReader reader, MultiTermQuery query)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(query);
        var found = new HashSet<BytesRef>();
        foreach (var leaf in reader.Leaves)
        {
            var terms = leaf.AtomicReader.GetTerms(query.Field);
            if (terms is null)
            {
                continue;
            }

            var matching = GetTermsEnum(query, terms, new AttributeSource());
            while (matching.MoveNext())
            {
                if (found.Add(BytesRef.DeepCopyOf(matching.Term)))
                {
                    budget.Spend(query, found.Count, shown, position);
                }
            }
        }

        // Scoring clauses, so that relevance order still weighs rare words above common ones.
        var any = new BooleanQuery(disableCoord: true) { Boost = query.Boost };
        foreach (var term in found)
        {
            any.Add(new TermQuery(new Term(query.Field, term)), Occur.SHOULD);
        }

        return any;
    }
}
