using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// The operators whose value is a keyword, a number, a day or an age rather than words: <c>folder:</c>/<c>in:</c>,
/// <c>source:</c>, <c>has:</c>, the dates, the ages, the sizes, <c>is:</c>/<c>flag:</c>, <c>msgid:</c>, <c>list:</c>
/// and <c>filename:</c>. Each error names the position of the value.
/// </summary>
internal static class QueryOperators
{
    /// <summary>True for the operators that need the fields of <see cref="OperatorFields"/> in the index.</summary>
    public static bool NeedsOperatorFields(string name) => name is "is" or "flag" or "msgid" or "list" or "filename";

    public static Lucene.Net.Search.Query Build(QueryToken token, DateTimeOffset now, ExpansionBudget budget)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (value, position) = (token.Value, token.ValuePosition);
        return token.Text switch
        {
            "folder" or "in" => new TermQuery(new Term(SearchFields.FolderMatch, value.ToLowerInvariant())),
            "source" => new TermQuery(new Term(SearchFields.Source, value)),
            "has" => Has(value, position),
            "after" => QueryDates.After(value, position),
            "before" => QueryDates.Before(value, position),
            "date" => QueryDates.During(value, position),
            "newer_than" => QueryAges.NewerThan(value, position, now),
            "older_than" => QueryAges.OlderThan(value, position, now),
            "larger" => QuerySizes.Larger(value, position),
            "smaller" => QuerySizes.Smaller(value, position),
            "size" => QuerySizes.Between(value, position),
            "is" or "flag" => QueryFlags.For(token.Text, value, position),
            "msgid" => QueryKeywords.MessageId(value, position),
            "list" => QueryKeywords.ListId(value, position),
            "filename" => QueryKeywords.FileName(value, position, budget),
            _ => throw new ArgumentException($"'{token.Text}' is not an operator of this class.", nameof(token)),
        };
    }

    private static TermQuery Has(string value, int position) =>
        value.Equals("attachment", StringComparison.OrdinalIgnoreCase) || value.Equals("attachments", StringComparison.OrdinalIgnoreCase)
            ? new TermQuery(new Term(SearchFields.Has, SearchFields.HasAttachmentValue))
            : throw new SearchQueryException("'has:' knows only 'attachment'", position);
}
