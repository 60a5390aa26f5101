using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// <c>word*</c>: the words that start with a prefix of at least <see cref="MinLength"/> characters, folded like the
/// index (<c>Budg*</c> finds "budget" and "Büdgen"), in each field searched. The expansion happens when the query runs,
/// bounded by the query's <see cref="ExpansionBudget"/>.
/// </summary>
internal sealed class QueryPrefixes(Analyzer analyzer, ExpansionBudget budget)
{
    public const int MinLength = 3;

    /// <summary>An unquoted word or value that ends in '*'.</summary>
    public static bool IsPrefix(string text) => text.Length > 0 && text[^1] == '*';

    /// <summary>The prefix in every field (OR), and the folded prefix for the snippet.</summary>
    public (Lucene.Net.Search.Query Query, string Folded) Build(IReadOnlyList<string> fields, string text, int position)
    {
        var typed = text.TrimEnd('*');
        var words = Analyze(analyzer, typed);
        if (words.Count > 1)
        {
            throw new SearchQueryException($"'{text}' is several words; a prefix before '*' must be one word", position);
        }

        var folded = words.Count == 1 ? words[0] : string.Empty;
        if (folded.Length < MinLength)
        {
            throw new SearchQueryException($"A prefix needs at least {MinLength} letters or digits before the '*'", position);
        }

        if (fields.Count == 1)
        {
            return (Prefix(fields[0], folded, text, position), folded);
        }

        var any = new BooleanQuery();
        foreach (var field in fields)
        {
            any.Add(Prefix(field, folded, text, position), Occur.SHOULD);
        }

        return (any, folded);
    }

    /// <summary><c>from:alice.j*</c> on the exact address keywords (<c>from_addr</c>), which keep '@' and dots.</summary>
    public Lucene.Net.Search.Query Keyword(string field, string text, int position)
    {
        var typed = text.TrimEnd('*').Trim().ToLowerInvariant();
        if (typed.Length < MinLength)
        {
            throw new SearchQueryException($"A prefix needs at least {MinLength} letters or digits before the '*'", position);
        }

        return Prefix(field, typed, text, position);
    }

    private PrefixQuery Prefix(string field, string prefix, string shown, int position) =>
        new(new Term(field, prefix)) { MultiTermRewriteMethod = new BoundedExpansion(budget, shown, position) };

    /// <summary>The words of <paramref name="text"/> as the index holds them.</summary>
    public static List<string> Analyze(Analyzer analyzer, string text)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var words = new List<string>();
        using var stream = analyzer.GetTokenStream(Documents.SearchFields.Body, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            words.Add(term.ToString());
        }

        stream.End();
        return words;
    }
}
