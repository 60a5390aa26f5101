using Lucene.Net.Search;
using Vault.Search.Analysis;
using Vault.Search.QueryLanguage;

namespace Vault.Search.Tests.QueryLanguage;

public sealed class SearchQueryParserTests
{
    private static readonly DateTimeOffset March1 = new(2023, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Mar1 = March1.ToUnixTimeMilliseconds();
    private static readonly long Apr1 = March1.AddMonths(1).ToUnixTimeMilliseconds();
    private static readonly long Mar2 = March1.AddDays(1).ToUnixTimeMilliseconds();
    private static readonly long FirstDay = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long LastDay = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly SearchQueryParser _parser = new(new MailAnalyzer(), TimeProvider.System);

    public static TheoryData<string, string> Queries => new()
    {
        { "zanzibarite", "subject:zanzibarite body:zanzibarite from:zanzibarite to:zanzibarite cc:zanzibarite bcc:zanzibarite attachment:zanzibarite attachmentText:zanzibarite" },
        { "\"Quarterly Budget Review\"", "subject:\"quarterly budget review\" body:\"quarterly budget review\" from:\"quarterly budget review\" to:\"quarterly budget review\" cc:\"quarterly budget review\" bcc:\"quarterly budget review\" attachment:\"quarterly budget review\" attachmentText:\"quarterly budget review\"" },
        { "body:Übersicht", "body:ubersicht" },
        { "subject:\"Café crème\"", "subject:\"cafe creme\"" },
        { "from:Alice.Johnson@Example.org", "from_addr:alice.johnson@example.org" },
        { "from:alice", "from:alice" },
        { "to:\"Alice Johnson\"", "to:\"alice johnson\"" },
        { "cc:@example.org", "cc:example.org" },
        { "attachment:pdf", "attachment:pdf attachmentText:pdf" },
        { "folder:\"Archive/2022\"", "folder_lc:archive/2022" },
        { "folder:INBOX", "folder_lc:inbox" },
        { "source:Src_AbC1", "source:Src_AbC1" },
        { "has:attachment", "has:attachment" },
        { "date:2023-03-01..2023-03-31", $"date:[{Mar1} TO {Apr1}}}" },
        { "date:2023-03-01", $"date:[{Mar1} TO {Mar2}}}" },
        { "date:2023/03/01..", $"date:[{Mar1} TO *}}" },
        { "after:2023-03-01", $"date:[{Mar1} TO *}}" },
        { "before:2023-03-01", $"date:[* TO {Mar1}}}" },
        { "subject:a subject:b", "+subject:a +subject:b" },
        { "subject:a OR subject:b", "subject:a subject:b" },
        { "subject:a subject:b OR subject:c", "(+subject:a +subject:b) subject:c" },
        { "subject:a (subject:b OR subject:c)", "+subject:a +(subject:b subject:c)" },
        { "subject:a -subject:b", "+subject:a -subject:b" },
        { "subject:a NOT subject:b", "+subject:a -subject:b" },
        { "subject:a AND subject:b", "+subject:a +subject:b" },
        { "-subject:b", "+*:* -subject:b" },
        { "-subject:a -subject:b", "-subject:a -subject:b +*:*" },
        { "subject:a OR -subject:b", "subject:a (+*:* -subject:b)" },
        { "NOT NOT subject:a", "subject:a" },
        { "subject:e-mail", "subject:\"e mail\"" },
        // UAX #29 keeps "re:hello" one word (':' is MidLetter), at index time too.
        { "re:hello", "subject:re:hello body:re:hello from:re:hello to:re:hello cc:re:hello bcc:re:hello attachment:re:hello attachmentText:re:hello" },
        { "source:s1 subject:or", "+source:s1 +subject:or" },
        { "subject:a !!!", "subject:a" },
        { "date:9999-12-31", $"date:[{LastDay} TO *}}" },
        { "date:0001-01-01..9999-12-31", $"date:[{FirstDay} TO *}}" },
        { "date:9999-12-31..", $"date:[{LastDay} TO *}}" },
        { "date:..0001-01-01", $"date:[* TO {FirstDay + 86_400_000}}}" },
        { "before:0001-01-01", $"date:[* TO {FirstDay}}}" },
        { "after:9999-12-31", $"date:[{LastDay} TO *}}" },
        { "subject:(a OR b)", "subject:a subject:b" },
        { "from:(alice bob)", "+from:alice +from:bob" },
        { "-subject:(x y)", "+*:* -(+subject:x +subject:y)" },
        { "subject:(\"a b\" c)", "+subject:\"a b\" +subject:c" },
        { "subject:(a -b)", "+subject:a -subject:b" },
        { "subject:(a (b OR c))", "+subject:a +(subject:b subject:c)" },
        { "subject:(a from:b)", "+subject:a +from:b" },
        { "subject:(a body:(b c)) d", "+(+subject:a +(+body:b +body:c)) +(subject:d body:d from:d to:d cc:d bcc:d attachment:d attachmentText:d)" },
        { "from:(alice@example.org @example.net)", "+from_addr:alice@example.org +from:example.net" },
        { "date:(2023-03-01 OR 2023-03-02)", $"date:[{Mar1} TO {Mar2}}} date:[{Mar2} TO {Mar2 + 86_400_000}}}" },
        { "has:(attachment)", "has:attachment" },
        { "subject:x (a)", "+subject:x +(subject:a body:a from:a to:a cc:a bcc:a attachment:a attachmentText:a)" },
    };

    public static TheoryData<string, int> BadQueries => new()
    {
        { "", 0 },
        { "   ", 0 },
        { "\"unterminated", 0 },
        { "subject:a \"open", 10 },
        { "(subject:a", 0 },
        { "subject:a)", 9 },
        { "subject:a OR", 10 },
        { "OR subject:a", 0 },
        { "subject:a OR OR subject:b", 10 },
        { "from:", 5 },
        { "from: alice", 5 },
        { "has:wings", 4 },
        { "date:2023-13-01", 5 },
        { "date:2023-03-01..tomorrow", 17 },
        { "date:2023-03-31..2023-03-01", 17 },
        { "date:..", 5 },
        { "after:yesterday", 6 },
        { "subject:a NOT", 10 },
        { "()", 1 },
        { "!!!", 0 },
        { "subject:a AND", 10 },
        { "subject:()", 9 },
        { "subject:(a", 8 },
        { "subject:(a OR)", 11 },
        { "-subject:(", 10 },
        { "date:(2023-13-01)", 6 },
        { "subject:(a date:(x))", 17 },
        { "has:(wings)", 5 },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Query_becomes_the_expected_lucene_query(string query, string expected) =>
        Assert.Equal(expected, _parser.Parse(query).Query.ToString());

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void Syntax_error_reports_its_position(string query, int position)
    {
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse(query));
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void A_query_longer_than_the_limit_is_an_error_at_the_first_character_beyond_it()
    {
        Assert.Equal("subject:a", _parser.Parse("subject:a".PadRight(SearchQueryParser.MaxLength)).Query.ToString());
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse(new string('a', SearchQueryParser.MaxLength + 1)));
        Assert.Equal(SearchQueryParser.MaxLength, error.Position);
    }

    [Fact]
    public void Groups_nest_to_the_depth_limit_and_one_more_is_an_error_at_that_parenthesis()
    {
        static string Nested(int depth) => new string('(', depth) + "a" + new string(')', depth);

        Assert.Equal("subject:a", _parser.Parse("subject:" + Nested(SearchQueryParser.MaxDepth)).Query.ToString());
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse(Nested(SearchQueryParser.MaxDepth + 1)));
        Assert.Equal(SearchQueryParser.MaxDepth, error.Position);
    }

    [Fact]
    public void A_long_run_of_negations_parses_without_recursion()
    {
        Assert.Equal("subject:a", _parser.Parse(string.Concat(Enumerable.Repeat("NOT ", 1000)) + "subject:a").Query.ToString());
        Assert.Equal("+*:* -subject:a", _parser.Parse(new string('-', 3001) + "subject:a").Query.ToString());
    }

    [Fact]
    public void The_term_limit_is_reached_and_one_more_term_is_an_error_at_that_term()
    {
        var atLimit = string.Join(' ', Enumerable.Repeat("w", SearchQueryParser.MaxTerms));
        Assert.Equal(SearchQueryParser.MaxTerms, ((BooleanQuery)_parser.Parse(atLimit).Query).Clauses.Count);

        // The field test's query: 1,025 words once made Lucene throw TooManyClausesException.
        var tooMany = string.Join(' ', Enumerable.Repeat("w", 1025));
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse(tooMany));
        Assert.Equal(2 * SearchQueryParser.MaxTerms, error.Position);
    }

    [Fact]
    public void Each_word_of_a_phrase_counts_towards_the_term_limit()
    {
        var phrase = "\"" + string.Join(' ', Enumerable.Repeat("w", SearchQueryParser.MaxTerms)) + "\"";
        Assert.IsType<PhraseQuery>(_parser.Parse("subject:" + phrase).Query);
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse("subject:a subject:" + phrase));
        Assert.Equal(10, error.Position);
    }

    [Fact]
    public void No_accepted_query_can_have_more_boolean_clauses_than_lucene_allows() =>
        Assert.True(SearchQueryParser.MaxTerms + 1 <= BooleanQuery.MaxClauseCount, "an AND of MaxTerms negations adds one match-all clause");

    [Fact]
    public void Highlight_terms_are_the_positive_words_folded_like_the_index()
    {
        var parsed = _parser.Parse("Zürich \"Budget Review\" -secret from:alice");
        Assert.Equal([["zurich"], ["budget", "review"]], parsed.HighlightTerms.Select(t => t.ToArray()).ToArray());
    }
}
