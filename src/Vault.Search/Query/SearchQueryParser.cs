using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Vault.Search.Documents;

namespace Vault.Search.Query;

/// <summary>
/// Recursive descent over the query language of ARCHITECTURE.md ("Search"), building Lucene queries directly:
/// <code>
/// query   = or END
/// or      = and { "OR" and }
/// and     = unary { ["AND"] unary }          (implicit AND)
/// unary   = ("-" | "NOT") unary | primary
/// primary = "(" or ")" | field ":" (word | phrase) | word | phrase
/// </code>
/// Dates are UTC days. <c>date:A..B</c> includes both days; <c>after:D</c> includes D (on or after, as Gmail's
/// after: does); <c>before:D</c> excludes D (strictly before its first instant). A word with an unknown
/// <c>prefix:</c> is searched as text, so "re:" or a URL never fails.
/// </summary>
public sealed class SearchQueryParser(Analyzer analyzer)
{
    public ParsedSearchQuery Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var state = new State(analyzer, QueryLexer.Tokenize(query));
        if (state.Current.Kind == QueryTokenKind.End)
        {
            throw new SearchQueryException("The query is empty", 0);
        }

        var clause = state.ParseOr();
        if (state.Current.Kind != QueryTokenKind.End)
        {
            throw new SearchQueryException("Unmatched ')'", state.Current.Position);
        }

        if (clause.Query is null)
        {
            throw new SearchQueryException("The query has no searchable words", 0);
        }

        return new ParsedSearchQuery(clause.Negated ? Standalone(clause.Query) : clause.Query, state.Highlights);
    }

    private static BooleanQuery Standalone(Lucene.Net.Search.Query negated) => new()
    {
        { new MatchAllDocsQuery(), Occur.MUST },
        { negated, Occur.MUST_NOT },
    };

    private sealed record Clause(Lucene.Net.Search.Query? Query, bool Negated);

    private sealed class State(Analyzer analyzer, List<QueryToken> tokens)
    {
        private int _index;
        private int _negations;

        public List<IReadOnlyList<string>> Highlights { get; } = [];

        public QueryToken Current => tokens[_index];

        public Clause ParseOr()
        {
            var operands = new List<Clause> { ParseAnd() };
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
                return present.Count == 1 ? present[0] : new Clause(null, false);
            }

            var any = new BooleanQuery();
            foreach (var operand in present)
            {
                any.Add(operand.Negated ? Standalone(operand.Query!) : operand.Query!, Occur.SHOULD);
            }

            return new Clause(any, false);
        }

        private Clause ParseAnd()
        {
            var operands = new List<Clause>();
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
            if (present.Count == 0)
            {
                return new Clause(null, false);
            }

            if (present.Count == 1)
            {
                return present[0];
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

            return new Clause(all, false);
        }

        private Clause ParseUnary()
        {
            if (Current.Kind is QueryTokenKind.Minus or QueryTokenKind.Not)
            {
                var not = Advance();
                if (Current.Kind is QueryTokenKind.End or QueryTokenKind.Close or QueryTokenKind.Or or QueryTokenKind.And)
                {
                    throw new SearchQueryException($"Nothing follows '{not.Text}'", not.Position);
                }

                _negations++;
                var inner = ParseUnary();
                _negations--;
                return inner with { Negated = !inner.Negated };
            }

            return ParsePrimary();
        }

        private Clause ParsePrimary()
        {
            var token = Advance();
            switch (token.Kind)
            {
                case QueryTokenKind.Open:
                    var inner = ParseOr();
                    if (Current.Kind != QueryTokenKind.Close)
                    {
                        throw new SearchQueryException("'(' is never closed", token.Position);
                    }

                    Advance();
                    return inner;
                case QueryTokenKind.Word or QueryTokenKind.Phrase:
                    return new Clause(Text(SearchFields.Default, token.Text, highlight: true), false);
                case QueryTokenKind.Field:
                    return new Clause(Field(token), false);
                default:
                    throw new SearchQueryException($"Unexpected '{token.Text}'", token.Position);
            }
        }

        private Lucene.Net.Search.Query? Field(QueryToken token)
        {
            var value = token.Value;
            switch (token.Text)
            {
                case "from" or "to" or "cc" or "bcc":
                    if (value.Contains('@', StringComparison.Ordinal) && !value.StartsWith('@') && !token.ValueQuoted)
                    {
                        return new TermQuery(new Term(token.Text + SearchFields.AddressSuffix, MessageDocumentBuilder.AddressKeyword(value)));
                    }

                    return Text([token.Text], value.TrimStart('@'), highlight: false);
                case "subject" or "body":
                    return Text([token.Text], value, highlight: true);
                case "attachment":
                    return Text([SearchFields.Attachment], value, highlight: false);
                case "folder":
                    return new TermQuery(new Term(SearchFields.FolderMatch, value.ToLowerInvariant()));
                case "source":
                    return new TermQuery(new Term(SearchFields.Source, value));
                case "has":
                    if (value.Equals("attachment", StringComparison.OrdinalIgnoreCase) || value.Equals("attachments", StringComparison.OrdinalIgnoreCase))
                    {
                        return new TermQuery(new Term(SearchFields.Has, SearchFields.HasAttachmentValue));
                    }

                    throw new SearchQueryException("'has:' knows only 'attachment'", token.ValuePosition);
                case "after":
                    return DateRange(Day(value, token.ValuePosition), null);
                case "before":
                    return DateRange(null, Day(value, token.ValuePosition));
                default:
                    return Date(value, token.ValuePosition);
            }
        }

        private static NumericRangeQuery<long> Date(string value, int position)
        {
            var dots = value.IndexOf("..", StringComparison.Ordinal);
            if (dots < 0)
            {
                var day = Day(value, position);
                return DateRange(day, day.AddDays(1));
            }

            var from = dots == 0 ? (DateTimeOffset?)null : Day(value[..dots], position);
            var to = dots + 2 == value.Length ? (DateTimeOffset?)null : Day(value[(dots + 2)..], position + dots + 2);
            if (from is null && to is null)
            {
                throw new SearchQueryException("A date range needs at least one day", position);
            }

            if (from > to)
            {
                throw new SearchQueryException("The range ends before it starts", position + dots + 2);
            }

            return DateRange(from, to?.AddDays(1));
        }

        private static NumericRangeQuery<long> DateRange(DateTimeOffset? fromInclusive, DateTimeOffset? toExclusive) =>
            NumericRangeQuery.NewInt64Range(SearchFields.Date, fromInclusive?.ToUnixTimeMilliseconds(), toExclusive?.ToUnixTimeMilliseconds(), true, false);

        private static DateTimeOffset Day(string value, int position)
        {
            if (DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd", "yyyy/MM/dd"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day))
            {
                return day;
            }

            throw new SearchQueryException($"'{value}' is not a day (yyyy-mm-dd)", position);
        }

        private Lucene.Net.Search.Query? Text(IReadOnlyList<string> fields, string text, bool highlight)
        {
            var words = Analyze(text);
            if (words.Count == 0)
            {
                return null;
            }

            if (highlight && _negations == 0)
            {
                Highlights.Add(words);
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

        private List<string> Analyze(string text)
        {
            var words = new List<string>();
            using var stream = analyzer.GetTokenStream(SearchFields.Body, text);
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                words.Add(term.ToString());
            }

            stream.End();
            return words;
        }

        private QueryToken Advance() => tokens[_index < tokens.Count - 1 ? _index++ : _index];
    }
}
