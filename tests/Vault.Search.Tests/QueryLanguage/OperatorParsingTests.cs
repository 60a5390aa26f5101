using Microsoft.Extensions.Time.Testing;
using Vault.Search.Analysis;
using Vault.Search.QueryLanguage;

namespace Vault.Search.Tests.QueryLanguage;

/// <summary>The operators of "Search, second step" as the parser reads them: the Lucene query each becomes, and where each error is.</summary>
public sealed class OperatorParsingTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly SearchQueryParser _parser = new(new MailAnalyzer(), new FakeTimeProvider(Now));

    private static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static TheoryData<string, string> Queries => new()
    {
        { "budg*", "subject:budg* body:budg* from:budg* to:budg* cc:budg* bcc:budg* attachment:budg* attachmentText:budg*" },
        { "Büdg**", "subject:budg* body:budg* from:budg* to:budg* cc:budg* bcc:budg* attachment:budg* attachmentText:budg*" },
        { "subject:Budg*", "subject:budg*" },
        { "body:(zanz* OR budg*)", "body:zanz* body:budg*" },
        { "from:Alice.J*", "from:alice.j*" },
        { "from:Alice.Johnson@exa*", "from_addr:alice.johnson@exa*" },
        { "attachment:repo*", "attachment:repo* attachmentText:repo*" },
        { "subject:\"budg*\"", "subject:budg" },
        { "in:Sent", "folder_lc:sent" },
        { "IN:\"Archive/2022\"", "folder_lc:archive/2022" },
        { "filename:Report.PDF", "filename:report.pdf" },
        { "filename:*.pdf", "filename:*.pdf" },
        { "filename:invoice*", "filename:invoice*" },
        { "filename:a?b*", "filename:a\\?b*" },
        { "msgid:<Abc.1@Example.org>", "msgid:abc.1@example.org" },
        { "msgid:abc.1@example.org", "msgid:abc.1@example.org" },
        { "list:Dev", "list:dev" },
        { "list:<dev.lists.example.org>", "list:dev.lists.example.org" },
        { "list:dev@lists.example.org", "list:dev.lists.example.org" },
        { "larger:1M", "size:{1048576 TO *}" },
        { "larger:1.5MB", "size:{1572864 TO *}" },
        { "smaller:10k", "size:{* TO 10240}" },
        { "size:1K..2K", "size:[1024 TO 2048]" },
        { "size:500", "size:[500 TO 500]" },
        { "size:1G..", "size:[1073741824 TO *]" },
        { "size:..100b", "size:[* TO 100]" },
        { "is:flagged", "flag:flagged" },
        { "is:starred", "flag:flagged" },
        { "flag:Read", "flag:seen" },
        { "is:seen", "flag:seen" },
        { "is:unread", "flag:unseen" },
        { "is:answered", "flag:answered" },
        { "is:draft", "flag:draft" },
        { "is:deleted", "flag:deleted" },
        { "-is:read", "+*:* -flag:seen" },
        { "is:(flagged OR answered)", "flag:flagged flag:answered" },
        { "newer_than:2d", $"date:[{Millis(Now.AddDays(-2))} TO *}}" },
        { "newer_than:3W", $"date:[{Millis(Now.AddDays(-21))} TO *}}" },
        { "older_than:6m", $"date:[* TO {Millis(new DateTimeOffset(2025, 9, 15, 12, 0, 0, TimeSpan.Zero))}}}" },
        { "older_than:1y", $"date:[* TO {Millis(new DateTimeOffset(2025, 3, 15, 12, 0, 0, TimeSpan.Zero))}}}" },
        { "newer_than:99999y", "date:[* TO *}" },
    };

    public static TheoryData<string, int> BadQueries => new()
    {
        { "bu*", 0 },
        { "subject:a bu*", 10 },
        { "subject:bu*", 8 },
        { "*", 0 },
        { "e-ma*", 0 },
        { "from:al*", 5 },
        { "from:a@*", 5 },
        { "in:", 3 },
        { "filename:*", 9 },
        { "filename:**", 9 },
        { "msgid:<>", 6 },
        { "list:<>", 5 },
        { "larger:abc", 7 },
        { "larger:1.M", 7 },
        { "larger:.5K", 7 },
        { "smaller:-1", 8 },
        { "larger:99999999999G", 7 },
        { "size:..", 5 },
        { "size:2K..1K", 9 },
        { "size:1K..x", 9 },
        { "is:important", 3 },
        { "flag:x", 5 },
        { "is:(flagged OR x)", 15 },
        { "newer_than:2x", 11 },
        { "older_than:y", 11 },
        { "older_than:1.5y", 11 },
        { "newer_than:1234567d", 11 },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void Operator_becomes_the_expected_lucene_query(string query, string expected) =>
        Assert.Equal(expected, _parser.Parse(query).Query.ToString());

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void Operator_error_reports_the_position_of_its_value(string query, int position)
    {
        var error = Assert.Throws<SearchQueryException>(() => _parser.Parse(query));
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void Ages_follow_the_injected_clock()
    {
        var clock = new FakeTimeProvider(Now);
        var parser = new SearchQueryParser(new MailAnalyzer(), clock);
        var before = parser.Parse("newer_than:1d").Query.ToString();
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal($"date:[{Millis(Now)} TO *}}", parser.Parse("newer_than:1d").Query.ToString());
        Assert.NotEqual(before, parser.Parse("newer_than:1d").Query.ToString());
    }

    [Theory]
    [InlineData("re:hello", new[] { "'re:' is not an operator; searched as text" })]
    [InlineData("larger2:1M https://example.org/a", new[] { "'larger2:' is not an operator; searched as text", "'https:' is not an operator; searched as text" })]
    [InlineData("re:a Re:b subject:(fw:c)", new[] { "'re:' is not an operator; searched as text", "'fw:' is not an operator; searched as text" })]
    [InlineData("foo:(a b)", new[] { "'foo:' is not an operator; searched as text" })]
    [InlineData("\"re: hello\" 10:30 subject:re:x larger:1M", new string[0])]
    public void An_unknown_name_is_searched_as_text_with_a_warning(string query, string[] warnings)
    {
        var parsed = _parser.Parse(query);
        Assert.Equal(warnings, parsed.Warnings);
    }

    [Fact]
    public void An_unknown_name_is_still_searched_as_the_words_it_was()
    {
        Assert.Equal(
            "subject:re:hello body:re:hello from:re:hello to:re:hello cc:re:hello bcc:re:hello attachment:re:hello attachmentText:re:hello",
            _parser.Parse("re:hello").Query.ToString());
    }

    [Theory]
    [InlineData("is:read", true)]
    [InlineData("subject:a OR msgid:x", true)]
    [InlineData("list:dev", true)]
    [InlineData("filename:a.pdf", true)]
    [InlineData("larger:1M in:INBOX budg*", false)]
    public void Queries_on_the_new_keyword_fields_are_marked(string query, bool uses) =>
        Assert.Equal(uses, _parser.Parse(query).UsesOperatorFields);

    [Fact]
    public void A_prefix_is_highlighted_as_its_folded_stem()
    {
        var parsed = _parser.Parse("Büdg* -zanz* subject:rev*");
        Assert.Equal([["budg*"], ["rev*"]], parsed.HighlightTerms.Select(t => t.ToArray()).ToArray());
    }
}
