using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.Searching;

/// <summary>
/// How many searchable documents predate the fields of <see cref="OperatorFields"/> (an index written before them,
/// not yet rebuilt with <c>/api/admin/reindex</c>), so that a search using them can say why it may count too few.
/// Every document written since has a flag term, so once none is missing none can be again: that is remembered.
/// </summary>
internal sealed class OperatorFieldCoverage
{
    private volatile bool _complete;

    public int Missing(IndexSearcher searcher)
    {
        ArgumentNullException.ThrowIfNull(searcher);
        if (_complete)
        {
            return 0;
        }

        var lacking = new BooleanQuery
        {
            { new MatchAllDocsQuery(), Occur.MUST },
            { new TermQuery(new Term(OperatorFields.Flag, OperatorFields.Seen)), Occur.MUST_NOT },
            { new TermQuery(new Term(OperatorFields.Flag, OperatorFields.Unseen)), Occur.MUST_NOT },
        };
        var count = new TotalHitCountCollector();
        searcher.Search(lacking, count);
        _complete = count.TotalHits == 0;
        return count.TotalHits;
    }
}
