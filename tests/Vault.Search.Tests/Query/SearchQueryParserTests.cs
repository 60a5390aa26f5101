using Vault.Search.Analysis;
using Vault.Search.Query;

namespace Vault.Search.Tests.Query;

public sealed class SearchQueryParserTests
{
    private static readonly DateTimeOffset March1 = new(2023, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long Mar1 = March1.ToUnixTimeMilliseconds();
    private static readonly long Apr1 = March1.AddMonths(1).ToUnixTimeMilliseconds();
    private static readonly long Mar2 = March1.AddDays(1).ToUnixTimeMilliseconds();

    private readonly SearchQueryParser _parser = new(new MailAnalyzer());

    public static TheoryData<string, string> Queries => new()
    {
        { "zanzibarite", "subject:zanzibarite body:zanzibarite from:zanzibarite to:zanzibarite cc:zanzibarite bcc:zanzibarite attachment:zanzibarite" },
        { "\"Quarterly Budget Review\"", "subject:\"quarterly budget review\" body:\"quarterly budget review\" from:\"quarterly budget review\" to:\"quarterly budget review\" cc:\"quarterly budget review\" bcc:\"quarterly budget review\" attachment:\"quarterly budget review\"" },
        { "body:Übersicht", "body:ubersicht" },
        { "subject:\"Café crème\"", "subject:\"cafe creme\"" },
        { "from:Alice.Johnson@Example.org", "from_addr:alice.johnson@example.org" },
        { "from:alice", "from:alice" },
        { "to:\"Alice Johnson\"", "to:\"alice johnson\"" },
        { "cc:@example.org", "cc:example.org" },
        { "attachment:pdf", "attachment:pdf" },
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
        { "re:hello", "subject:re:hello body:re:hello from:re:hello to:re:hello cc:re:hello bcc:re:hello attachment:re:hello" },
        { "source:s1 subject:or", "+source:s1 +subject:or" },
        { "subject:a !!!", "subject:a" },
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
    public void Highlight_terms_are_the_positive_words_folded_like_the_index()
    {
        var parsed = _parser.Parse("Zürich \"Budget Review\" -secret from:alice");
        Assert.Equal([["zurich"], ["budget", "review"]], parsed.HighlightTerms.Select(t => t.ToArray()).ToArray());
    }
}
