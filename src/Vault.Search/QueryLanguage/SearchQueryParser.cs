using Lucene.Net.Analysis;
using Lucene.Net.Search;

namespace Vault.Search.QueryLanguage;

/// <summary>
/// Recursive descent over the query language of ARCHITECTURE.md ("Search"), building Lucene queries directly:
/// <code>
/// query   = or END
/// or      = and { "OR" and }
/// and     = unary { ["AND"] unary }          (implicit AND)
/// unary   = { "-" | "NOT" } primary
/// primary = "(" or ")" | field ":" "(" or ")" | field ":" (word | phrase) | word | phrase
/// </code>
/// A field before a group applies to every word and phrase inside it that names no field of its own:
/// <c>subject:(a OR b)</c> is <c>subject:a OR subject:b</c>, <c>-from:(alice bob)</c> is <c>-(from:alice from:bob)</c>.
/// Dates are UTC days. <c>date:A..B</c> includes both days; <c>after:D</c> includes D (on or after, as Gmail's
/// after: does); <c>before:D</c> excludes D (strictly before its first instant). A word with an unknown
/// <c>name:</c> is searched as text, so "re:" or a URL never fails, and the result says so (<see cref="ParsedSearchQuery.Warnings"/>).
/// The operators of "Search, second step" are fields too: <c>in:</c> (= <c>folder:</c>), <c>filename:</c> (with '*'),
/// <c>msgid:</c>, <c>list:</c>, <c>larger:</c>/<c>smaller:</c>/<c>size:</c> (<see cref="QuerySizes"/>), <c>is:</c>/<c>flag:</c>
/// (<see cref="QueryFlags"/>), <c>newer_than:</c>/<c>older_than:</c> (<see cref="QueryAges"/>, relative to the injected
/// clock); a word or text-field value ending in '*' is a prefix (<see cref="QueryPrefixes"/>).
/// </summary>
/// <remarks>
/// A query is bounded so that no input can exhaust the stack or make Lucene throw: at most <see cref="MaxLength"/>
/// characters, <see cref="MaxDepth"/> nested groups and <see cref="MaxTerms"/> terms (each word of a phrase counts).
/// Every <see cref="BooleanQuery"/> built here has at most one clause per term plus one, which stays under
/// <see cref="BooleanQuery.MaxClauseCount"/> (1024 unless someone lowers it). Prefixes and wildcards expand when the
/// query runs, to at most <see cref="MaxExpansion"/> terms together (<see cref="BoundedExpansion"/>); past that the search
/// throws a <see cref="SearchQueryException"/> at the prefix.
/// </remarks>
public sealed class SearchQueryParser(Analyzer analyzer, TimeProvider timeProvider)
{
    /// <summary>The longest query, in UTF-16 characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>The deepest nesting of parentheses (field groups included).</summary>
    public const int MaxDepth = 32;

    /// <summary>The most terms a query may search for, counted after analysis (<c>"a b c"</c> is three).</summary>
    public const int MaxTerms = 1000;

    /// <summary>The most index terms the prefixes and wildcards of one query may expand to, together.</summary>
    public const int MaxExpansion = 1024;

    public ParsedSearchQuery Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length > MaxLength)
        {
            throw new SearchQueryException($"The query is longer than {MaxLength} characters", MaxLength);
        }

        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new QueryBuilder(analyzer, QueryLexer.Tokenize(query), timeProvider.GetUtcNow());
        if (builder.Current.Kind == QueryTokenKind.End)
        {
            throw new SearchQueryException("The query is empty", 0);
        }

        var clause = builder.ParseOr();
        if (builder.Current.Kind != QueryTokenKind.End)
        {
            throw new SearchQueryException("Unmatched ')'", builder.Current.Position);
        }

        if (clause.Query is null)
        {
            throw new SearchQueryException("The query has no searchable words", 0);
        }

        return new ParsedSearchQuery(clause.Negated ? QueryBuilder.Standalone(clause.Query) : clause.Query, builder.Highlights, builder.AttachmentTerms)
        {
            Warnings = builder.Warnings,
            UsesOperatorFields = builder.UsesOperatorFields,
        };
    }
}
