using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// <c>msgid:</c>, <c>list:</c> and <c>filename:</c>: exact keywords, lower-cased like <see cref="OperatorFieldWriter"/>
/// indexes them. <c>filename:</c> also takes <c>*</c> anywhere (<c>*.pdf</c>, <c>invoice*</c>), expanded within the
/// query's <see cref="ExpansionBudget"/>.
/// </summary>
internal static class QueryKeywords
{
    /// <summary><c>msgid:&lt;a@b&gt;</c> and <c>msgid:a@b</c> are the same.</summary>
    public static TermQuery MessageId(string value, int position) =>
        OperatorFieldWriter.MessageIdKeyword(value) is { } id
            ? new TermQuery(new Term(OperatorFields.MessageId, id))
            : throw new SearchQueryException("'msgid:' needs a Message-ID", position);

    /// <summary>
    /// <c>list:dev</c>, <c>list:dev.lists.example.org</c>, <c>list:&lt;dev.lists.example.org&gt;</c>, or Gmail's
    /// <c>list:dev@lists.example.org</c> (a List-Id is the list's address with '@' turned into '.', RFC 2919 §2).
    /// </summary>
    public static TermQuery ListId(string value, int position) =>
        OperatorFieldWriter.MessageIdKeyword(value.Replace('@', '.')) is { } id
            ? new TermQuery(new Term(OperatorFields.ListId, id))
            : throw new SearchQueryException("'list:' needs a list name", position);

    public static Lucene.Net.Search.Query FileName(string value, int position, ExpansionBudget budget)
    {
        var name = value.Trim().ToLowerInvariant();
        if (name.Length == 0)
        {
            throw new SearchQueryException("'filename:' needs a file name", position);
        }

        if (!name.Contains('*', StringComparison.Ordinal))
        {
            return new TermQuery(new Term(OperatorFields.FileName, name));
        }

        if (name.All(c => c == '*'))
        {
            throw new SearchQueryException("'filename:' needs more than '*' (has:attachment finds every attachment)", position);
        }

        // Only '*' is a wildcard: '?' and '\' are themselves in a file name.
        var pattern = name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("?", "\\?", StringComparison.Ordinal);
        return new WildcardQuery(new Term(OperatorFields.FileName, pattern)) { MultiTermRewriteMethod = new BoundedExpansion(budget, "filename:" + value, position) };
    }
}
