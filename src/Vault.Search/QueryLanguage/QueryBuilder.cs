using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.QueryLanguage;

/// <summary>The recursive descent of <see cref="SearchQueryParser"/> over one query's tokens, with its limits.</summary>
internal sealed class QueryBuilder(Analyzer analyzer, List<QueryToken> tokens, DateTimeOffset now)
{
    private static readonly QueryClause Nothing = new(null, false);

    private readonly ExpansionBudget _budget = new(SearchQueryParser.MaxExpansion);
    private readonly HashSet<string> _warned = new(StringComparer.OrdinalIgnoreCase);

    private int _index;
    private int _negations;
    private int _depth;
    private int _terms;

    /// <summary>The field of the innermost <c>field:( ... )</c> group, or null outside any.</summary>
    private string? _groupField;

    public List<IReadOnlyList<string>> Highlights { get; } = [];

    /// <summary>What the query did not mean to the parser, said to the person (an unknown <c>name:</c> searched as text).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>True when the query uses a field that only documents indexed since "Search, second step" have.</summary>
    public bool UsesOperatorFields { get; private set; }

    /// <summary>The words and phrases that search attachment names and text (bare words and <c>attachment:</c>), not negated.</summary>
    public List<IReadOnlyList<string>> AttachmentTerms { get; } = [];

    public QueryToken Current => tokens[_index];

    /// <summary>What a negated clause means on its own (inside OR, or as the whole query): everything else.</summary>
    public static BooleanQuery Standalone(Lucene.Net.Search.Query negated) => new()
    {
        { new MatchAllDocsQuery(), Occur.MUST },
        { negated, Occur.MUST_NOT },
    };

    public QueryClause ParseOr()
    {
        var operands = new List<QueryClause> { ParseAnd() };
        while (Current.Kind == QueryTokenKind.Or)
        {
            var or = Advance();
            if (Current.Kind is QueryTokenKind.End or QueryTokenKind.Close or QueryTokenKind.Or)
            {
                throw new SearchQueryException("'OR' needs a term on both sides", or.Position);
            }

            operands.Add(ParseAnd());
        }

        var present = operands.Where(o => o.Query is not null).ToList();
        if (present.Count <= 1)
        {
            return present.Count == 1 ? present[0] : Nothing;
        }

        var any = new BooleanQuery();
        foreach (var operand in present)
        {
            any.Add(operand.Negated ? Standalone(operand.Query!) : operand.Query!, Occur.SHOULD);
        }

        return new QueryClause(any, false);
    }

    private QueryClause ParseAnd()
    {
        var operands = new List<QueryClause>();
        while (Current.Kind is not (QueryTokenKind.End or QueryTokenKind.Close or QueryTokenKind.Or))
        {
            if (Current.Kind == QueryTokenKind.And)
            {
                var and = Advance();
                if (operands.Count == 0 || Current.Kind is QueryTokenKind.End or QueryTokenKind.Close or QueryTokenKind.Or or QueryTokenKind.And)
                {
                    throw new SearchQueryException("'AND' needs a term on both sides", and.Position);
                }

                continue;
            }

            operands.Add(ParseUnary());
        }

        if (operands.Count == 0)
        {
            throw new SearchQueryException(Current.Kind == QueryTokenKind.End ? "Expected a search term at the end" : $"Expected a search term before '{Current.Text}'", Current.Position);
        }

        var present = operands.Where(o => o.Query is not null).ToList();
        if (present.Count <= 1)
        {
            return present.Count == 1 ? present[0] : Nothing;
        }

        var all = new BooleanQuery();
        foreach (var operand in present)
        {
            all.Add(operand.Query!, operand.Negated ? Occur.MUST_NOT : Occur.MUST);
        }

        if (present.All(o => o.Negated))
        {
            all.Add(new MatchAllDocsQuery(), Occur.MUST);
        }

        return new QueryClause(all, false);
    }

    /// <summary>A loop rather than recursion: a run of thousands of '-' must not deepen the stack.</summary>
    private QueryClause ParseUnary()
    {
        var negations = 0;
        while (Current.Kind is QueryTokenKind.Minus or QueryTokenKind.Not)
        {
            var not = Advance();
            if (Current.Kind is QueryTokenKind.End or QueryTokenKind.Close or QueryTokenKind.Or or QueryTokenKind.And)
            {
                throw new SearchQueryException($"Nothing follows '{not.Text}'", not.Position);
            }

            negations++;
        }

        // Words under any negation, even a double one, are not highlighted.
        _negations += negations;
        var inner = ParsePrimary();
        _negations -= negations;
        return negations % 2 == 1 ? inner with { Negated = !inner.Negated } : inner;
    }

    private QueryClause ParsePrimary()
    {
        var token = Advance();
        if (token.Kind == QueryTokenKind.Word && QueryLexer.UnknownOperator(token.Text) is { } name && _warned.Add(name))
        {
            // Kept from before the operators existed: "re:hello" and URLs are still searched, but no longer silently.
            Warnings.Add($"'{name}:' is not an operator; searched as text");
        }

        switch (token.Kind)
        {
            case QueryTokenKind.Open:
                return ParseGroup(token, _groupField);
            case QueryTokenKind.FieldGroup:
                return ParseGroup(Advance(), token.Text);
            case QueryTokenKind.Word or QueryTokenKind.Phrase when _groupField is not null:
                // Inside subject:( ... ) a bare word or phrase is that field's value.
                var valuePosition = token.Kind == QueryTokenKind.Phrase ? token.Position + 1 : token.Position;
                return new QueryClause(Field(new QueryToken(QueryTokenKind.Field, _groupField, token.Position, token.Text, token.Kind == QueryTokenKind.Phrase, valuePosition)), false);
            case QueryTokenKind.Word when QueryPrefixes.IsPrefix(token.Text):
                return new QueryClause(Prefix(SearchFields.Default, token.Text, token.Position, highlight: true), false);
            case QueryTokenKind.Word or QueryTokenKind.Phrase:
                return new QueryClause(Text(SearchFields.Default, token.Text, token.Position, highlight: true), false);
            case QueryTokenKind.Field:
                return new QueryClause(Field(token), false);
            default:
                throw new SearchQueryException($"Unexpected '{token.Text}'", token.Position);
        }
    }

    /// <summary>Parses from just after <paramref name="open"/> to its ')', with <paramref name="field"/> applying inside.</summary>
    private QueryClause ParseGroup(QueryToken open, string? field)
    {
        if (++_depth > SearchQueryParser.MaxDepth)
        {
            throw new SearchQueryException($"Parentheses nest deeper than {SearchQueryParser.MaxDepth} levels", open.Position);
        }

        var outer = _groupField;
        _groupField = field;
        var inner = ParseOr();
        if (Current.Kind != QueryTokenKind.Close)
        {
            throw new SearchQueryException("'(' is never closed", open.Position);
        }

        Advance();
        _groupField = outer;
        _depth--;
        return inner;
    }

    private Lucene.Net.Search.Query? Field(QueryToken token)
    {
        var value = token.Value;
        if (!token.ValueQuoted && QueryPrefixes.IsPrefix(value) && token.Text is "from" or "to" or "cc" or "bcc" or "subject" or "body" or "attachment")
        {
            return PrefixField(token);
        }

        switch (token.Text)
        {
            case "from" or "to" or "cc" or "bcc":
                if (value.Contains('@', StringComparison.Ordinal) && !value.StartsWith('@') && !token.ValueQuoted)
                {
                    return Counted(new TermQuery(new Term(token.Text + SearchFields.AddressSuffix, MessageDocumentBuilder.AddressKeyword(value))), token);
                }

                return Text([token.Text], value.TrimStart('@'), token.Position, highlight: false);
            case "subject" or "body":
                return Text([token.Text], value, token.Position, highlight: true);
            case "attachment":
                return Text(SearchFields.Attachments, value, token.Position, highlight: false);
            default:
                UsesOperatorFields |= QueryOperators.NeedsOperatorFields(token.Text);
                return Counted(QueryOperators.Build(token, now, _budget), token);
        }
    }

    /// <summary><c>subject:budg*</c>; an address field with '@' in the prefix searches the exact address keywords.</summary>
    private Lucene.Net.Search.Query PrefixField(QueryToken token)
    {
        if (token.Text is "from" or "to" or "cc" or "bcc" && token.Value.Contains('@', StringComparison.Ordinal) && !token.Value.StartsWith('@'))
        {
            return Counted(new QueryPrefixes(analyzer, _budget).Keyword(token.Text + SearchFields.AddressSuffix, token.Value, token.ValuePosition), token);
        }

        var fields = token.Text == "attachment" ? SearchFields.Attachments : [token.Text];
        return Prefix(fields, token.Value.TrimStart('@'), token.ValuePosition, highlight: token.Text is "subject" or "body");
    }

    private Lucene.Net.Search.Query Prefix(IReadOnlyList<string> fields, string text, int position, bool highlight)
    {
        var (query, folded) = new QueryPrefixes(analyzer, _budget).Build(fields, text, position);
        Count(1, position);
        if (highlight && _negations == 0)
        {
            Highlights.Add([folded + "*"]);
        }

        return query;
    }

    private Lucene.Net.Search.Query Counted(Lucene.Net.Search.Query query, QueryToken token)
    {
        Count(1, token.Position);
        return query;
    }

    private void Count(int terms, int position)
    {
        _terms += terms;
        if (_terms > SearchQueryParser.MaxTerms)
        {
            throw new SearchQueryException($"The query searches for more than {SearchQueryParser.MaxTerms} terms", position);
        }
    }

    private Lucene.Net.Search.Query? Text(IReadOnlyList<string> fields, string text, int position, bool highlight)
    {
        var words = Analyze(text);
        if (words.Count == 0)
        {
            return null;
        }

        Count(words.Count, position);
        if (highlight && _negations == 0)
        {
            Highlights.Add(words);
        }

        if (_negations == 0 && fields.Contains(SearchFields.AttachmentText))
        {
            AttachmentTerms.Add(words);
        }

        if (fields.Count == 1)
        {
            return Match(fields[0], words);
        }

        var any = new BooleanQuery();
        foreach (var field in fields)
        {
            any.Add(Match(field, words), Occur.SHOULD);
        }

        return any;
    }

    private static Lucene.Net.Search.Query Match(string field, List<string> words)
    {
        if (words.Count == 1)
        {
            return new TermQuery(new Term(field, words[0]));
        }

        var phrase = new PhraseQuery();
        foreach (var word in words)
        {
            phrase.Add(new Term(field, word));
        }

        return phrase;
    }

    private List<string> Analyze(string text) => QueryPrefixes.Analyze(analyzer, text);

    private QueryToken Advance() => tokens[_index < tokens.Count - 1 ? _index++ : _index];
}
