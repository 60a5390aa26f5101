using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary><c>is:</c> and <c>flag:</c>: the server's flags as last seen, and deletion on the server.</summary>
internal static class QueryFlags
{
    private static readonly Dictionary<string, string> Terms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["read"] = OperatorFields.Seen,
        ["seen"] = OperatorFields.Seen,
        ["unread"] = OperatorFields.Unseen,
        ["unseen"] = OperatorFields.Unseen,
        ["flagged"] = OperatorFields.Flagged,
        ["starred"] = OperatorFields.Flagged,
        ["answered"] = OperatorFields.Answered,
        ["replied"] = OperatorFields.Answered,
        ["draft"] = OperatorFields.Draft,
        ["deleted"] = OperatorFields.Deleted,
    };

    /// <summary>The values a person can type, for the error message and the help.</summary>
    public const string Known = "read (seen), unread, flagged (starred), answered, draft, deleted";

    public static TermQuery For(string name, string value, int position) =>
        Terms.TryGetValue(value, out var term)
            ? new TermQuery(new Term(OperatorFields.Flag, term))
            : throw new SearchQueryException($"'{name}:' knows {Known}", position);
}
